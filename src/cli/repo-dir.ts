/**
 * The repository a command works on. `--repo-dir` (or JOBAGENT_REPO_DIR) names it; without it, the nearest folder
 * at or above the current one holding `jobagent.yml` or `.git` (a file in a worktree or submodule) — so that a
 * command run from a subfolder (`scripts/`) works on the repository, not on an empty `scripts/jobs/` whose missing
 * requirements would read as every job removed. Outside any repository: the current folder.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export function findRepoDir(
  cwd: string,
  given: string | undefined,
  usage: (message: string) => Error,
): { dir: string; found: boolean } {
  if (given !== undefined) {
    const dir = resolve(cwd, given);
    let isDir: boolean;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) throw usage(`--repo-dir ${given}: ${dir} is not a directory`);
    return { dir, found: false };
  }
  const start = resolve(cwd);
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "jobagent.yml")) || existsSync(join(dir, ".git")))
      return { dir, found: dir !== start };
    if (dirname(dir) === dir) return { dir: start, found: false };
  }
}
