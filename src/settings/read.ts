/**
 * The one parser of settings, used by the action (src/action/inputs.ts) and the CLI (src/cli/main.ts): the same
 * booleans, the same jobs-dir check, the same run-wait bound, the same LLM rules and environment fallbacks.
 * Errors name the input or flag and quote the bad value.
 */
import {
  DEFAULT_LLM_MODEL,
  LLM_OFF,
  settingSpec,
  type Mode,
  type SettingName,
  type Surface,
} from "./spec.js";
import type { RawValue, SettingsSource } from "./source.js";

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

export interface Settings {
  mode: Mode;
  /** Repo-relative jobs directory, no trailing slash. */
  jobsDir: string;
  /** The jobs directory was given (not the default): it wins over `jobs_dir:` in jobagent.yml. */
  jobsDirExplicit: boolean;
  /** repo-dir was given (flag or JOBAGENT_REPO_DIR); otherwise the CLI finds the repository above the cwd. */
  repoDirExplicit: boolean;
  /** Workspace URL without trailing slash; undefined when neither the setting nor DATABRICKS_HOST is set. */
  databricksHost?: string;
  databricksToken?: string;
  /** A Databricks config profile (`~/.databrickscfg`): the workspace when no host is given (CLI). */
  databricksProfile?: string;
  databricksClientId?: string;
  databricksOidcAudience?: string;
  githubToken?: string;
  /** Extra comment authors the action treats as itself (bot-login). */
  botLogins: string[];
  /**
   * undefined baseUrl → `<databricks host>/serving-endpoints`; undefined apiKey → the Databricks token.
   * `isDefault`: no LLM setting was given and the host is a real (non-loopback) one, so the workspace's
   * Foundation Model endpoint `DEFAULT_LLM_MODEL` is used; if it is not there, prose falls back to the offline interpreter.
   */
  llm?: { model: string; baseUrl?: string; apiKey?: string; isDefault?: boolean };
  allowDelete: boolean;
  commitProgress: boolean;
  /** Where apply records progress when it may not push to the default branch (a pull request keeps it current). */
  stateBranch: string;
  onPlanChange: "fail" | "apply";
  comment: "sticky" | "off";
  failOnDrift: boolean;
  /** Drift check: open / update / close one pull request per drifted job (action only). */
  driftPullRequests: boolean;
  /** `/jobagent apply` on an approved, mergeable pull request applies before the merge (Atlantis-style). */
  commentApply: boolean;
  /** Bounded wait for runs started by `run` requirements (seconds). */
  runWaitSeconds: number;
  /** How long apply waits for the workspace lock another run holds (seconds; 0: report `locked` at once). */
  lockWaitSeconds: number;
  strictConsistency: boolean;
  repoDir: string;
  repo?: string;
  /** Deployment target named with --target / JOBAGENT_TARGET (jobagent.yml `targets:`). */
  target?: string;
  /** Every secret value read (to register with the runner and the redactor). */
  secrets: string[];
}

function bad(raw: RawValue, expected: string): SettingsError {
  return new SettingsError(`${raw.label} has the value "${raw.value}"; ${expected}`);
}

/** The raw value of a setting: given on this surface, else its environment fallback; undefined → the default. */
function rawOf(source: SettingsSource, name: SettingName): RawValue | undefined {
  const spec = settingSpec(name);
  const given = (spec.surfaces as readonly Surface[]).includes(source.surface) ? source.get(name) : undefined;
  if (given) return given;
  for (const variable of spec.envFallback ?? []) {
    const value = source.env[variable]?.trim();
    if (value) return { value, label: variable };
  }
  return undefined;
}

export function parseBoolean(raw: RawValue): boolean {
  if (/^(true|yes|on|1)$/i.test(raw.value)) return true;
  if (/^(false|no|off|0)$/i.test(raw.value)) return false;
  throw bad(raw, "use true or false");
}

export function parseUrl(raw: RawValue): string {
  let parsed: URL;
  try {
    parsed = new URL(raw.value);
  } catch {
    throw bad(raw, "use the workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw bad(raw, "use an https:// URL");
  if (parsed.username || parsed.password) {
    throw new SettingsError(
      `${raw.label} contains credentials in the URL; pass the token in databricks-token (or DATABRICKS_TOKEN)`,
    );
  }
  return raw.value.replace(/\/+$/, "");
}

export function parseDir(raw: RawValue): string {
  const dir = raw.value.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/+$/, "");
  if (dir === "" || dir.startsWith("/") || /^[A-Za-z]:/.test(dir) || dir.split("/").includes("..")) {
    throw bad(raw, "use a directory inside the repository, e.g. jobs");
  }
  return dir;
}

export function parseInteger(raw: RawValue, min: number, max: number): number {
  if (!/^\d+$/.test(raw.value) || Number(raw.value) < min || Number(raw.value) > max) {
    throw bad(raw, `use a whole number from ${min} to ${max}`);
  }
  return Number(raw.value);
}

export function parseEnum<T extends string>(raw: RawValue, allowed: readonly T[]): T {
  const value = raw.value.toLowerCase() as T;
  if (!allowed.includes(value)) throw bad(raw, `use one of: ${allowed.join(", ")}`);
  return value;
}

export function parseLogins(raw: RawValue): string[] {
  const logins = raw.value.split(/[\s,]+/).filter(Boolean);
  for (const login of logins) {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?$/.test(login)) {
      throw bad({ ...raw, value: login }, "use a GitHub login, e.g. my-app[bot]");
    }
  }
  return logins;
}

/** One setting parsed by its kind; the default when not given. */
function value(source: SettingsSource, name: SettingName): string | boolean | number | string[] {
  const spec = settingSpec(name);
  const raw = rawOf(source, name) ?? (spec.default === "" ? undefined : { value: spec.default, label: "" });
  if (!raw) return spec.kind === "boolean" ? false : spec.kind === "list" ? [] : "";
  switch (spec.kind) {
    case "boolean":
      return parseBoolean(raw);
    case "url":
      return parseUrl(raw);
    case "dir":
      return parseDir(raw);
    case "integer":
      return parseInteger(raw, spec.min, spec.max);
    case "enum":
      return parseEnum(raw, spec.values);
    case "list":
      return parseLogins(raw);
    case "string":
      return raw.value;
  }
}

const text = (source: SettingsSource, name: SettingName) => (value(source, name) as string) || undefined;
const flag = (source: SettingsSource, name: SettingName) => value(source, name) as boolean;

/**
 * Loopback hosts: the embedded local workspace and `jobagent workspace serve` (127.0.0.1). They never get the
 * default LLM, so tests and the demo stay offline; any other host is taken to be a real workspace.
 */
export function isLoopbackHost(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, "");
  } catch {
    return false;
  }
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === "::1" ||
    host === "0.0.0.0"
  );
}

function llmOf(source: SettingsSource): Settings["llm"] {
  const model = text(source, "llm-model");
  const baseUrl = text(source, "llm-base-url");
  const apiKey = text(source, "llm-api-key");
  if (model && (LLM_OFF as readonly string[]).includes(model.toLowerCase())) return undefined;
  const host = text(source, "databricks-host");
  if (!model && !baseUrl && !apiKey && host && !isLoopbackHost(host))
    return { model: DEFAULT_LLM_MODEL, isDefault: true };
  if (!model && (baseUrl || apiKey)) {
    const other = rawOf(source, baseUrl ? "llm-base-url" : "llm-api-key");
    throw new SettingsError(
      `${source.labelOf("llm-model")} is empty although ${other?.label ?? "another LLM setting"} is set; set llm-model to the serving ` +
        "endpoint name (e.g. databricks-claude-sonnet-4) or remove the other LLM settings",
    );
  }
  return model ? { model, baseUrl, apiKey } : undefined;
}

/** Every secret value given, read before anything is parsed so that an error later cannot leak one. */
function secretsOf(source: SettingsSource): string[] {
  const names: SettingName[] = ["databricks-token", "github-token", "llm-api-key"];
  return names.map((name) => rawOf(source, name)?.value).filter((v): v is string => Boolean(v));
}

/**
 * Reads and checks every setting of the source's surface once. Settings the surface does not offer take their
 * default. Throws a SettingsError naming the input/flag and quoting the bad value; `onSecrets` sees the secrets first.
 */
export function readSettings(source: SettingsSource, onSecrets?: (secrets: string[]) => void): Settings {
  const secrets = secretsOf(source);
  onSecrets?.(secrets);
  return {
    mode: value(source, "mode") as Mode,
    jobsDir: value(source, "jobs-dir") as string,
    jobsDirExplicit: rawOf(source, "jobs-dir") !== undefined,
    repoDirExplicit: rawOf(source, "repo-dir") !== undefined,
    databricksHost: text(source, "databricks-host"),
    databricksToken: text(source, "databricks-token"),
    databricksProfile: text(source, "databricks-profile"),
    databricksClientId: text(source, "databricks-client-id"),
    databricksOidcAudience: text(source, "databricks-oidc-audience"),
    githubToken: text(source, "github-token"),
    botLogins: value(source, "bot-login") as string[],
    llm: llmOf(source),
    allowDelete: flag(source, "allow-delete"),
    commitProgress: flag(source, "commit-progress"),
    stateBranch: value(source, "state-branch") as string,
    onPlanChange: value(source, "on-plan-change") as Settings["onPlanChange"],
    comment: value(source, "comment") as Settings["comment"],
    failOnDrift: flag(source, "fail-on-drift"),
    driftPullRequests: flag(source, "drift-pull-requests"),
    commentApply: flag(source, "comment-apply"),
    runWaitSeconds: value(source, "run-wait-seconds") as number,
    lockWaitSeconds: value(source, "lock-wait") as number,
    strictConsistency: flag(source, "strict-consistency"),
    repoDir: value(source, "repo-dir") as string,
    repo: text(source, "repo"),
    target: text(source, "target"),
    secrets,
  };
}
