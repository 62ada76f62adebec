/**
 * Every setting of the action (inputs, action.yml) and the CLI (flags, `JOBAGENT_*`), described once: its name,
 * its kind, its default, where it can be set. `read.ts` parses them; test/settings/parity.test.ts checks this table
 * against action.yml and the CLI help.
 */

export const MODES = ["auto", "tech-lead", "plan", "apply", "drift", "unlock"] as const;
export type Mode = (typeof MODES)[number];

/** Where a setting can be given: the action's inputs, the CLI's flags (and `JOBAGENT_<NAME>`), or both. */
export type Surface = "action" | "cli";

interface Common {
  /** The input name and the flag name (`--<name>`), kebab-case. */
  name: string;
  surfaces: readonly Surface[];
  /** The value used when the setting is not given ("" = unset). */
  default: string;
  /** The default as action.yml writes it, when the runner fills it in (e.g. `${{ github.token }}`). */
  actionYmlDefault?: string;
  /** Registered as a secret and redacted the moment it is read. */
  secret?: boolean;
  /** Environment variables read when the setting is not given (e.g. DATABRICKS_HOST). */
  envFallback?: readonly string[];
}

export type SettingSpec = Common &
  (
    | { kind: "string" | "url" | "dir" | "list" | "boolean" }
    | { kind: "enum"; values: readonly string[] }
    | { kind: "integer"; min: number; max: number }
  );

const BOTH = ["action", "cli"] as const;

/**
 * The LLM used when a real Databricks host is given and no LLM setting is: the workspace's own pay-per-token
 * Foundation Model API endpoint, reached at `<host>/serving-endpoints` with the workspace token (docs/llm.md).
 * `llm-model: off` turns the LLM off; another name picks another endpoint.
 */
export const DEFAULT_LLM_MODEL = "databricks-claude-sonnet-4-5";

/** `llm-model` values that turn the LLM off (prose goes to the offline interpreter). */
export const LLM_OFF = ["off", "none", "false"] as const;
const ACTION = ["action"] as const;
const CLI = ["cli"] as const;

export const SETTINGS = [
  { name: "mode", kind: "enum", values: MODES, default: "auto", surfaces: ACTION },
  { name: "jobs-dir", kind: "dir", default: "jobs", surfaces: BOTH },
  { name: "databricks-host", kind: "url", default: "", surfaces: BOTH, envFallback: ["DATABRICKS_HOST"] },
  {
    name: "databricks-token",
    kind: "string",
    default: "",
    surfaces: BOTH,
    secret: true,
    envFallback: ["DATABRICKS_TOKEN"],
  },
  {
    name: "databricks-profile",
    kind: "string",
    default: "",
    surfaces: CLI,
    envFallback: ["DATABRICKS_CONFIG_PROFILE"],
  },
  { name: "databricks-client-id", kind: "string", default: "", surfaces: ACTION },
  { name: "databricks-oidc-audience", kind: "string", default: "", surfaces: ACTION },
  {
    name: "github-token",
    kind: "string",
    default: "",
    actionYmlDefault: "${{ github.token }}",
    surfaces: ACTION,
    secret: true,
  },
  { name: "bot-login", kind: "list", default: "", surfaces: ACTION },
  { name: "llm-model", kind: "string", default: "", surfaces: BOTH },
  { name: "llm-base-url", kind: "url", default: "", surfaces: BOTH },
  { name: "llm-api-key", kind: "string", default: "", surfaces: BOTH, secret: true },
  { name: "allow-delete", kind: "boolean", default: "false", surfaces: BOTH },
  { name: "commit-progress", kind: "boolean", default: "true", surfaces: ACTION },
  { name: "state-branch", kind: "string", default: "jobagent/state", surfaces: ACTION },
  { name: "on-plan-change", kind: "enum", values: ["fail", "apply"], default: "fail", surfaces: BOTH },
  { name: "comment", kind: "enum", values: ["sticky", "off"], default: "sticky", surfaces: ACTION },
  { name: "fail-on-drift", kind: "boolean", default: "false", surfaces: ACTION },
  { name: "drift-pull-requests", kind: "boolean", default: "true", surfaces: ACTION },
  { name: "comment-apply", kind: "boolean", default: "false", surfaces: ACTION },
  { name: "run-wait-seconds", kind: "integer", min: 0, max: 3600, default: "300", surfaces: BOTH },
  { name: "lock-wait", kind: "integer", min: 0, max: 3600, default: "0", surfaces: BOTH },
  { name: "strict-consistency", kind: "boolean", default: "false", surfaces: CLI },
  { name: "repo-dir", kind: "string", default: ".", surfaces: CLI },
  { name: "repo", kind: "string", default: "", surfaces: CLI },
  { name: "target", kind: "string", default: "", surfaces: BOTH },
] as const satisfies readonly SettingSpec[];

export type SettingName = (typeof SETTINGS)[number]["name"];

export function settingSpec(name: SettingName): SettingSpec {
  return SETTINGS.find((s) => s.name === name) as SettingSpec;
}

/** The environment variable the CLI reads for a flag: `--jobs-dir` → `JOBAGENT_JOBS_DIR`. */
export function cliEnvName(name: string): string {
  return `JOBAGENT_${name.toUpperCase().replace(/-/g, "_")}`;
}
