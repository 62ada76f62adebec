/**
 * Merge conflict markers left by `git merge` / `git rebase` / `git stash pop` (`<<<<<<< ours`, `=======`,
 * `>>>>>>> theirs`, and diff3's `||||||| base`). A file that holds them is neither side of the merge: jobagent reads
 * it as nothing (an error naming the line), never as a requirement or a task's state.
 */

const OPEN = /^<{7}(?: |$)/;
const CLOSE = /^>{7}(?: |$)/;

/**
 * The 1-based line of the first `<<<<<<<` marker of a file that also has a closing `>>>>>>>` after it, or
 * undefined. Both are needed: a lone `=======` is a markdown heading underline, and a lone `<<<<<<<` may be text.
 */
export function conflictMarkerLine(text: string): number | undefined {
  if (!text.includes("<<<<<<<")) return undefined;
  const lines = text.split(/\r?\n/);
  const open = lines.findIndex((l) => OPEN.test(l));
  if (open === -1) return undefined;
  return lines.slice(open + 1).some((l) => CLOSE.test(l)) ? open + 1 : undefined;
}

/** How to get out of a conflict in `file` (a task file or a requirement). */
export function conflictFix(file: string, kind: "task" | "requirement"): string {
  const sides = `take one side with \`git checkout --ours -- ${file}\` or \`git checkout --theirs -- ${file}\``;
  return kind === "task"
    ? `Resolve the conflict (keep both histories: the history entries of both sides, and the other fields of the side that applied last) or ${sides}; the next plan re-reads the requirement and compares with the workspace either way. Do not delete the file: it records the task's job id and history.`
    : `Resolve the conflict (decide what the requirement says and delete the marker lines) or ${sides}. Until then nothing of this requirement is planned, and its job is kept as it is.`;
}
