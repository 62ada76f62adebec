/**
 * Small text files are read and written with synchronous calls (requirements here, task files in task-store.ts):
 * for files of a few kilobytes an awaited `fs.promises` call costs several thread-pool round trips (open, stat,
 * read, close), about 5× the synchronous read, and a plan reads two files per job. Each call blocks for microseconds; nothing else is
 * waiting on the event loop while a plan reads its repository.
 */
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";

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
