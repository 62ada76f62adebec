/**
 * The project's identity: `jobagent.yml` at the repository root names the project id recorded in the ownership tags
 * of every job the agent creates, so moving the checkout, renaming its folder or cloning it again never changes
 * which jobs the project owns.
 *
 * ```yaml
 * project: acme/data-jobs   # the project id recorded in ownership tags
 * jobs_dir: jobs            # optional
 * ```
 *
 * Without the file the id is the GitHub repository (GITHUB_REPOSITORY, else the `origin` remote's owner/name) —
 * never a directory name. When none of these is known the id is unset and apply refuses.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { isMap, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import { didYouMean } from "../domain/schema.js";
import { assertNoLink } from "./safe-path.js";
import { parseTargets, type ConfigPlace, type TargetConfig } from "./targets-config.js";
import { parseReview, type ReviewConfig } from "./review-config.js";

export const CONFIG_FILE = "jobagent.yml";

export interface ProjectConfig {
  project?: string;
  jobs_dir?: string;
  /** Deployment targets in promotion order (state/targets-config.ts). */
  targets?: TargetConfig[];
  /** How review hints apply (state/review-config.ts). */
  review?: ReviewConfig;
}

export type ProjectIdSource = "flag" | "config" | "github" | "origin" | "unset";

export interface ProjectIdentity {
  /** "" when unknown (apply refuses). */
  id: string;
  source: ProjectIdSource;
  config: ProjectConfig;
}

/** The keys the loader knows. */
const KNOWN_KEYS = ["project", "jobs_dir", "targets", "review"] as const;
const PROJECT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export class ProjectConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string,
    problem: string,
    readonly fix: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ""}: ${field ? `${field}: ` : ""}${problem} — ${fix}`);
    this.name = "ProjectConfigError";
  }
}

/** Reads and validates `jobagent.yml`; an empty config when the file does not exist. */
export async function loadProjectConfig(repoDir: string): Promise<ProjectConfig> {
  await assertNoLink(repoDir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(join(repoDir, CONFIG_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  return parseProjectConfig(text);
}

export function parseProjectConfig(text: string, file = CONFIG_FILE): ProjectConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? undefined : lines.linePos(offset).line;
  const first = doc.errors[0];
  if (first)
    throw new ProjectConfigError(
      file,
      lineAt(first.pos[0]),
      "",
      `not valid YAML (${first.message.split("\n")[0]})`,
      "Fix the YAML syntax.",
    );
  if (doc.contents === null) return {};
  if (!isMap(doc.contents))
    throw new ProjectConfigError(
      file,
      1,
      "",
      "the file must be a mapping of keys to values",
      `Write for example \`project: acme/data-jobs\`.`,
    );
  checkKeys(doc, file, lineAt);
  const data = doc.toJS() as Record<string, unknown>;
  const config: ProjectConfig = {};
  const lineOf = (key: string) => lineAt(keyOffset(doc, key));
  if (data.project !== undefined) config.project = checkProject(data.project, file, lineOf("project"));
  if (data.jobs_dir !== undefined) config.jobs_dir = checkJobsDir(data.jobs_dir, file, lineOf("jobs_dir"));
  const place: ConfigPlace = {
    file,
    lineOf: (path) => {
      const node = doc.getIn(path, true) as { range?: [number] } | undefined;
      const parent =
        path.length > 1
          ? (doc.getIn(path.slice(0, -1), true) as { range?: [number] } | undefined)
          : undefined;
      return lineAt(node?.range?.[0] ?? parent?.range?.[0]);
    },
    fail: (line, field, problem, fix) => {
      throw new ProjectConfigError(file, line, field, problem, fix);
    },
  };
  if (data.targets !== undefined) config.targets = parseTargets(data.targets, place);
  if (data.review !== undefined) config.review = parseReview(data.review, place);
  return config;
}

function keyOffset(doc: Document, key: string): number | undefined {
  if (!isMap(doc.contents)) return undefined;
  const pair = doc.contents.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  return pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
}

function checkKeys(
  doc: Document,
  file: string,
  lineAt: (offset: number | undefined) => number | undefined,
): void {
  if (!isMap(doc.contents)) return;
  for (const pair of doc.contents.items) {
    const node = pair.key as { value?: unknown; range?: [number] } | null;
    const key = String(node?.value ?? "");
    if ((KNOWN_KEYS as readonly string[]).includes(key)) continue;
    const near = didYouMean(key, [...KNOWN_KEYS]);
    throw new ProjectConfigError(
      file,
      lineAt(node?.range?.[0]),
      key,
      "unknown key",
      near ? `Did you mean \`${near}\`?` : `Use one of: ${KNOWN_KEYS.join(", ")}.`,
    );
  }
}

function checkProject(value: unknown, file: string, line: number | undefined): string {
  if (typeof value !== "string" || !PROJECT_ID.test(value) || value.length > 200)
    throw new ProjectConfigError(
      file,
      line,
      "project",
      `must be a project id such as "acme/data-jobs" (letters, digits, '.', '_', '-', parts separated by '/'); found ${JSON.stringify(value)}`,
      "Write the GitHub owner/name of the repository, e.g. `project: acme/data-jobs`.",
    );
  return value;
}

function checkJobsDir(value: unknown, file: string, line: number | undefined): string {
  const ok =
    typeof value === "string" &&
    value.trim() !== "" &&
    !value.startsWith("/") &&
    !value.split(/[\\/]/).includes("..");
  if (!ok)
    throw new ProjectConfigError(
      file,
      line,
      "jobs_dir",
      `must be a directory inside the repository; found ${JSON.stringify(value)}`,
      "Use a relative path such as `jobs_dir: jobs`.",
    );
  return (value as string).replace(/\/+$/, "");
}

/** The owner/name of a git remote URL (https, ssh or scp-like), or undefined. */
export function ownerNameOfRemote(url: string): string | undefined {
  const match = /[:/]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(url.trim());
  return match?.[1];
}

/** The origin remote's owner/name, from the repository's git config (also in a worktree, where .git is a file). */
export async function originRemote(repoDir: string): Promise<string | undefined> {
  try {
    let gitDir = join(repoDir, ".git");
    const pointer = /^gitdir:\s*(.+)$/m.exec(await readFile(gitDir, "utf8").catch(() => ""))?.[1]?.trim();
    if (pointer) {
      const worktreeDir = resolve(repoDir, pointer);
      const common = (await readFile(join(worktreeDir, "commondir"), "utf8").catch(() => ".")).trim();
      gitDir = resolve(worktreeDir, common);
    }
    const config = await readFile(join(gitDir, "config"), "utf8");
    const url = /\[remote "origin"\][^[]*?url\s*=\s*(\S+)/.exec(config)?.[1];
    return url ? ownerNameOfRemote(url) : undefined;
  } catch {
    return undefined; // not a git repository
  }
}

/**
 * The project id, in order: an explicit value (flag / JOBAGENT_REPO), `project:` in jobagent.yml, GITHUB_REPOSITORY,
 * the origin remote. Never the folder name.
 */
export async function resolveProjectIdentity(
  repoDir: string,
  env: Record<string, string | undefined>,
  explicit?: string,
): Promise<ProjectIdentity> {
  const config = await loadProjectConfig(repoDir);
  if (explicit) return { id: explicit, source: "flag", config };
  if (config.project) return { id: config.project, source: "config", config };
  if (env.GITHUB_REPOSITORY) return { id: env.GITHUB_REPOSITORY, source: "github", config };
  const origin = await originRemote(repoDir);
  if (origin) return { id: origin, source: "origin", config };
  return { id: "", source: "unset", config };
}

export const PROJECT_UNSET_MESSAGE = `the project id is unknown: there is no ${CONFIG_FILE} with \`project:\`, no GITHUB_REPOSITORY and no origin remote; apply refuses because the id decides which jobs the project owns. Fix: create ${CONFIG_FILE} at the repository root with \`project: <owner>/<name>\` (or pass --repo OWNER/NAME).`;

/** What a plan says when the project id is unknown (it plans, with an empty ownership tag; apply refuses). */
export const PROJECT_UNSET_PLAN_WARNING = {
  message: `the project id is unknown (no \`project:\` in ${CONFIG_FILE}, no GITHUB_REPOSITORY, no origin remote): this plan shows the ownership tag jobagent-repo as "", and apply refuses until the id is set, because it decides which jobs the project owns`,
  fix: `set \`project: <owner>/<name>\` in ${CONFIG_FILE} at the repository root (or pass --repo OWNER/NAME)`,
};
