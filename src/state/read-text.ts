/**
 * Small text files are read with synchronous calls (requirements here, task files in task-store.ts): for files of
 * a few kilobytes an awaited `fs.promises` call costs several thread-pool round trips (open, stat, read, close), about
 * 5× the synchronous read, and a plan reads two files per job. Each call blocks for microseconds. (Task files are
 * written through the thread pool, several at a time: creating a file costs far more than reading one, and the
 * plan renders the next files while the pool writes.)
 * The one thing waiting on the event loop meanwhile is the plan's listing of the workspace, started before the
 * repository is read (engine/context.ts `prefetch`): the loops reading files yield every YIELD_EVERY files
 * (`yieldToIo`), so that each page of the listing is taken in and the next one asked for while files are read.
 */
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";

/** Files read between two yields to the event loop. */
export const YIELD_EVERY = 32;

/** Lets the event loop take in I/O that completed (a page of the workspace listing) and go on. */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The file's text, or its size when it is larger than `maxBytes` (the size is read from the open file). */
export function readTextSync(
  path: string,
  maxBytes = Number.POSITIVE_INFINITY,
): { text: string } | { size: number } {
  const fd = openSync(path, "r");
  try {
    const { size } = fstatSync(fd);
    if (size > maxBytes) return { size };
    return { text: readFileSync(fd, "utf8") };
  } finally {
    closeSync(fd);
  }
}
