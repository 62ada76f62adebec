/**
 * The TaskStore port and its file implementation: task files under `<repo>/<jobs-dir>/.tasks/<id>.md`, written
 * atomically (temp file + rename), and the progress log `<repo>/<jobs-dir>/.tasks/progress.md`.
 */
import { constants } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { assertNoLink, SymlinkError } from "./safe-path.js";
import { join, posix } from "node:path";
import { randomBytes } from "node:crypto";
import { parseTaskFile, renderTaskFile, TaskFileError, type TaskRecord } from "./task-file.js";

export const TASKS_DIR = ".tasks";
export const PROGRESS_FILE = "progress.md";

export interface TaskStore {
  /** Repo-relative directory of the task files. */
  readonly dir: string;
  list(): Promise<{ tasks: TaskRecord[]; errors: TaskFileError[] }>;
  write(task: TaskRecord): Promise<void>;
  remove(id: string): Promise<void>;
  /** Repo-relative path of a task's file. */
  fileOf(id: string): string;
  appendProgress(lines: string[]): Promise<void>;
}

/** Characters allowed in task ids (they become file names and tag values). */
export function sanitizeId(text: string): string {
  const cleaned = text
    .normalize("NFKD")
    .replace(/[^\w.-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  return cleaned.slice(0, 120) || "task";
}

export class FileTaskStore implements TaskStore {
  readonly dir: string;
  private readonly absDir: string;
  private progressChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly repoDir: string,
    jobsDir: string,
    /** With deployment targets, each target keeps its task files (job ids, states) in `.tasks/<target>/`. */
    target?: string,
  ) {
    this.dir = posix.join(jobsDir.replace(/\\/g, "/"), TASKS_DIR, ...(target ? [target] : []));
    this.absDir = join(repoDir, this.dir);
  }

  fileOf(id: string): string {
    return posix.join(this.dir, `${sanitizeId(id)}.md`);
  }

  async list(): Promise<{ tasks: TaskRecord[]; errors: TaskFileError[] }> {
    await assertNoLink(this.repoDir, this.dir);
    let entries;
    try {
      entries = await readdir(this.absDir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { tasks: [], errors: [] };
      throw error;
    }
    const tasks: TaskRecord[] = [];
    const errors: TaskFileError[] = [];
    const links = new Set(entries.filter((e) => e.isSymbolicLink()).map((e) => e.name));
    for (const name of entries.map((e) => e.name).sort()) {
      if (!name.endsWith(".md") || name === PROGRESS_FILE || name.startsWith(".")) continue;
      const file = posix.join(this.dir, name);
      if (links.has(name)) {
        errors.push(new TaskFileError(file, new SymlinkError(file, "is a symbolic link").message));
        continue;
      }
      try {
        tasks.push(parseTaskFile(file, await readFile(join(this.absDir, name), "utf8")));
      } catch (error) {
        errors.push(error instanceof TaskFileError ? error : new TaskFileError(file, String(error)));
      }
    }
    return { tasks, errors };
  }

  async write(task: TaskRecord): Promise<void> {
    await assertNoLink(this.repoDir, this.fileOf(task.id));
    await mkdir(this.absDir, { recursive: true });
    const target = join(this.repoDir, this.fileOf(task.id));
    const temp = join(this.absDir, `.${sanitizeId(task.id)}.${randomBytes(6).toString("hex")}.tmp`);
    await writeFile(temp, renderTaskFile(task), "utf8");
    await rename(temp, target);
  }

  async remove(id: string): Promise<void> {
    await assertNoLink(this.repoDir, this.dir);
    await rm(join(this.repoDir, this.fileOf(id)), { force: true });
  }

  /** Appends lines to the progress log (serialised within this process; each append is one write). */
  appendProgress(lines: string[]): Promise<void> {
    const next = this.progressChain.then(async () => {
      await assertNoLink(this.repoDir, posix.join(this.dir, PROGRESS_FILE));
      await mkdir(this.absDir, { recursive: true });
      const path = join(this.absDir, PROGRESS_FILE);
      let header = "";
      try {
        await readFile(path, { flag: "r" });
      } catch {
        header =
          "# Progress log\n\nWritten by jobagent: one line per event, newest last. The task files hold the state.\n\n";
        // Two branches that both append to the log merge cleanly (git's union driver keeps both sides' lines).
        await writeFile(join(this.absDir, ".gitattributes"), `${PROGRESS_FILE} merge=union\n`, {
          flag: "wx",
        }).catch(() => undefined);
      }
      await appendNoFollow(
        path,
        posix.join(this.dir, PROGRESS_FILE),
        header + lines.map((l) => `${l.replace(/\n/g, " ")}\n`).join(""),
      );
    });
    this.progressChain = next.catch(() => undefined);
    return next;
  }
}

/** Appends to a file, refusing a symbolic link even if one appeared since the check (O_NOFOLLOW). */
async function appendNoFollow(path: string, shown: string, text: string): Promise<void> {
  let handle;
  try {
    handle = await open(
      path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP")
      throw new SymlinkError(shown, "is a symbolic link");
    throw error;
  }
  try {
    await handle.writeFile(text, "utf8");
  } finally {
    await handle.close();
  }
}
