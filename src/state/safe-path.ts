/**
 * Nothing outside the repository: every path the tool reads or writes under the repository is checked component by
 * component with lstat, and a symbolic link anywhere on the way is refused (a committed link could otherwise point
 * a write at any file the CI runner can reach).
 */
import { lstat } from "node:fs/promises";
import { isAbsolute, join, normalize, relative, sep } from "node:path";

export class SymlinkError extends Error {
  constructor(
    readonly path: string,
    readonly why: string,
  ) {
    super(
      `${path}: ${why}; jobagent never follows symbolic links inside the repository (a link could point a read or a write outside it). Fix: replace the link with a real file or directory.`,
    );
    this.name = "SymlinkError";
  }
}

/** The components of `rel` from the repository root, refusing absolute paths and `..`. */
function componentsOf(repoDir: string, rel: string): string[] {
  const clean = normalize(rel);
  const back = relative(repoDir, join(repoDir, clean));
  if (isAbsolute(rel) || back.startsWith("..") || isAbsolute(back))
    throw new SymlinkError(rel, "the path leaves the repository");
  return back === "" ? [] : back.split(sep);
}

/** Throws SymlinkError when any component of `rel` (repo-relative) is a symbolic link. Missing parts are fine. */
export async function assertNoLink(repoDir: string, rel: string): Promise<void> {
  let current = repoDir;
  let shown = "";
  for (const part of componentsOf(repoDir, rel)) {
    current = join(current, part);
    shown = shown ? `${shown}/${part}` : part;
    let isLink: boolean;
    try {
      isLink = (await lstat(current)).isSymbolicLink();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    if (isLink) throw new SymlinkError(shown, "is a symbolic link");
  }
}
