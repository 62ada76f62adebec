/**
 * Will the merge apply? The apply runs on the push of the merge, so a workflow whose `on: push` filter leaves out
 * the default branch (the example says `branches: [main]`; the repository's default branch is `master`) or the jobs
 * directory (`paths: ["jobs/**"]`, the requirements in `pipelines/`) never runs on that push, and nothing says so.
 * The pull request run reads its own workflow file (GITHUB_WORKFLOW_REF) and says it in the plan comment.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { isObject } from "../domain/json.js";

/** A GitHub filter pattern (`*`, `**`, `?`, `+`, `[…]`) as a regular expression over a whole branch or path. */
function filterPattern(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?" || c === "+" || c === "[" || c === "]") source += c;
    else source += c.replace(/[.^$|(){}\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** GitHub's rule: patterns in order, a `!pattern` excludes again what an earlier one included. */
function matchesFilter(patterns: string[], value: string): boolean {
  let included = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    if (filterPattern(negated ? pattern.slice(1) : pattern).test(value)) included = !negated;
  }
  return included;
}

function list(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.map(String) : undefined;
}

/**
 * What keeps the workflow's `push` trigger from running on the merge into `defaultBranch` of a change under
 * `jobsDir` (sentences, empty when nothing does). A workflow without a `push` trigger says nothing: another workflow
 * may run the apply.
 */
export function pushTriggerProblems(
  workflowText: string,
  workflowPath: string,
  { defaultBranch, jobsDir }: { defaultBranch: string; jobsDir: string },
): string[] {
  let workflow: unknown;
  try {
    workflow = parse(workflowText);
  } catch {
    return [];
  }
  if (!isObject(workflow)) return [];
  // YAML 1.1 readers take a bare `on` for `true`; the yaml library (1.2) keeps "on".
  const on = workflow.on ?? workflow.true;
  if (!isObject(on) || !("push" in on)) return [];
  const push = isObject(on.push) ? on.push : {};
  const problems: string[] = [];
  const branches = list(push.branches);
  const ignored = list(push["branches-ignore"]);
  if (
    (branches && !matchesFilter(branches, defaultBranch)) ||
    (ignored && matchesFilter(ignored, defaultBranch))
  ) {
    const said = branches
      ? `branches: [${branches.join(", ")}]`
      : `branches-ignore: [${ignored?.join(", ")}]`;
    problems.push(
      `Merging will not apply this plan: \`${workflowPath}\` runs on \`push\` with \`${said}\`, which leaves out ` +
        `this repository's default branch \`${defaultBranch}\`. Change \`on: push: branches:\` to \`[${defaultBranch}]\`.`,
    );
  }
  const paths = list(push.paths);
  const pathsIgnored = list(push["paths-ignore"]);
  const requirement = `${jobsDir}/requirement.md`;
  if (
    (paths && !matchesFilter(paths, requirement)) ||
    (pathsIgnored && matchesFilter(pathsIgnored, requirement))
  ) {
    const said = paths ? `paths: [${paths.join(", ")}]` : `paths-ignore: [${pathsIgnored?.join(", ")}]`;
    problems.push(
      `Merging will not apply this plan: \`${workflowPath}\` runs on \`push\` with \`${said}\`, which leaves out the ` +
        `jobs directory \`${jobsDir}/\` (input \`jobs-dir\`). Add \`"${jobsDir}/**"\` to \`on: push: paths:\` ` +
        "(and to `on: pull_request: paths:`).",
    );
  }
  return problems;
}

/**
 * The workflow file of this run, repository-relative, from GITHUB_WORKFLOW_REF
 * (`owner/repo/.github/workflows/jobagent.yml@refs/pull/7/merge`); undefined when the runner did not set it.
 */
export function workflowPathOf(workflowRef: string | undefined, repository: string): string | undefined {
  if (!workflowRef) return undefined;
  const path = workflowRef.replace(/@[^@]*$/, "");
  const prefix = `${repository}/`;
  if (!path.toLowerCase().startsWith(prefix.toLowerCase())) return undefined;
  const rest = path.slice(prefix.length);
  return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(rest) ? rest : undefined;
}

/** The problems of this run's workflow file in the checkout (none when it cannot be read). */
export function checkPushTrigger(input: {
  workflowRef?: string;
  repository: string;
  checkout: string;
  defaultBranch?: string;
  jobsDir: string;
}): string[] {
  const path = workflowPathOf(input.workflowRef, input.repository);
  if (!path || !input.defaultBranch) return [];
  let text: string;
  try {
    text = readFileSync(join(input.checkout, path), "utf8");
  } catch {
    return [];
  }
  return pushTriggerProblems(text, path, { defaultBranch: input.defaultBranch, jobsDir: input.jobsDir });
}
