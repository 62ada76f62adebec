/**
 * The TaskStore port and its file implementation: task files under `<repo>/<jobs-dir>/.tasks/<id>.md`, written
 * atomically (temp file + rename), and the progress log `<repo>/<jobs-dir>/.tasks/progress.md`.
 */
import { constants, lstatSync, mkdirSync, readFileSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { assertNoLink, SymlinkError } from "./safe-path.js";
import { join, posix } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { parseTaskFile, renderTaskFile, TaskFileError, type TaskRecord } from "./task-file.js";
import { YIELD_EVERY, yieldToIo } from "./read-text.js";

export const TASKS_DIR = ".tasks";

const contentHash = (text: string): string => createHash("sha1").update(text).digest("base64");
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
  /** Content hash of each task file as last read or written by this store (repo-relative path → hash). */
  private readonly known = new Map<string, string>();
  /** The task directory was made (or found) by this store: one mkdir per run, not one per write. */
  private dirReady = false;
  /**
   * Task files `list()` could not read (merge conflict markers, a hand edit, a link): never written or removed by
   * this store, whatever a caller asks — their state (job id, history, applied hash) is only in them.
   */
  private readonly unreadable = new Set<string>();
  /**
   * The symbolic links `list()` found in the task directory (undefined before it ran). A file name that was not one
   * of them is written without an lstat of its own: under concurrent writes in the same directory that lstat waited
   * on the directory's lock, up to a fifth of a first plan of 1,000 files. A link made there by another process after
   * the listing is replaced by the rename, never followed.
   */
  private links?: Set<string>;
  /** Temporary files are named `.<id>.<tag>-<n>.tmp`: one random tag per store, a counter per write. */
  private readonly tempTag = randomBytes(6).toString("hex");
  private temps = 0;

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
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        this.links = new Set();
        return { tasks: [], errors: [] };
      }
      throw error;
    }
    const tasks: TaskRecord[] = [];
    const errors: TaskFileError[] = [];
    const links = new Set(entries.filter((e) => e.isSymbolicLink()).map((e) => e.name));
    this.links = links;
    const wanted: string[] = [];
    for (const name of entries.map((e) => e.name).sort()) {
      if (!name.endsWith(".md") || name === PROGRESS_FILE || name.startsWith(".")) continue;
      const file = posix.join(this.dir, name);
      if (links.has(name)) {
        this.unreadable.add(file);
        errors.push(new TaskFileError(file, new SymlinkError(file, "is a symbolic link").message));
      } else wanted.push(name);
    }
    for (const [index, name] of wanted.entries()) {
      if (index % YIELD_EVERY === YIELD_EVERY - 1) await yieldToIo();
      const file = posix.join(this.dir, name);
      try {
        // Synchronous (state/read-text.ts says why).
        const text = readFileSync(join(this.absDir, name), "utf8");
        const task = parseTaskFile(file, text);
        this.known.set(this.fileOf(task.id), contentHash(text));
        this.unreadable.delete(file);
        tasks.push(task);
      } catch (error) {
        this.unreadable.add(file);
        errors.push(error instanceof TaskFileError ? error : new TaskFileError(file, String(error)));
      }
    }
    return { tasks, errors };
  }

  /**
   * Writes the task file atomically (a temporary file, renamed over it); a file whose content would not change is not
   * rewritten. The writes go to the thread pool: a plan writing many files renders the next ones meanwhile.
   */
  async write(task: TaskRecord): Promise<void> {
    const file = this.fileOf(task.id);
    const text = renderTaskFile(task);
    const hash = contentHash(text);
    if (this.known.get(file) === hash) return;
    this.refuseUnreadable(file);
    // The directory's path is checked once per store (before it is made); each file's own name against the listing,
    // or on every write when the store did not list the directory.
    if (!this.dirReady) await assertNoLink(this.repoDir, this.dir);
    if (!this.links || this.links.has(posix.basename(file)))
      assertNotLinkSync(join(this.repoDir, file), file);
    const target = join(this.repoDir, file);
    const temp = join(
      this.absDir,
      `.${sanitizeId(task.id)}.${this.tempTag}-${(this.temps++).toString(36)}.tmp`,
    );
    this.known.delete(file);
    await this.writeInDir(temp, text);
    await rename(temp, target);
    this.known.set(file, hash);
  }

  private refuseUnreadable(file: string): void {
    if (this.unreadable.has(file))
      throw new TaskFileError(
        file,
        "could not be read, so jobagent does not overwrite or remove it (its state would be lost); fix the file first",
      );
  }

  /** Writes a file of the task directory, making the directory on the first write (and again if it vanished). */
  private async writeInDir(path: string, text: string): Promise<void> {
    if (!this.dirReady) {
      mkdirSync(this.absDir, { recursive: true });
      this.dirReady = true;
    }
    try {
      await writeFile(path, text, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      mkdirSync(this.absDir, { recursive: true });
      await writeFile(path, text, "utf8");
    }
  }

  async remove(id: string): Promise<void> {
    this.refuseUnreadable(this.fileOf(id));
    await assertNoLink(this.repoDir, this.dir);
    this.known.delete(this.fileOf(id));
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

/** Refuses a file that is a symbolic link (a missing file is fine: no error is made for it). */
function assertNotLinkSync(path: string, shown: string): void {
  if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink())
    throw new SymlinkError(shown, "is a symbolic link");
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
