/**
 * Deployment targets declared in `jobagent.yml` (issue #19): one requirement, several workspaces.
 *
 * ```yaml
 * project: acme/data-jobs
 * targets:                       # promotion order: first to last
 *   dev:
 *     mode: development          # names prefixed "[dev <user>] ", schedules paused, concurrent runs
 *     host: https://dev.cloud.databricks.com
 *     overrides:                 # merged over every requirement (bundle target merge rules)
 *       job_clusters:
 *         - job_cluster_key: main
 *           new_cluster: { num_workers: 1 }
 *   prod:
 *     environment: production    # GitHub environment whose secrets hold DATABRICKS_HOST / DATABRICKS_TOKEN
 *     auth: oidc
 * ```
 */
import { didYouMean } from "../domain/schema.js";
import type { JsonObject } from "../domain/model.js";
import type { TargetMode, TargetSpec } from "../domain/targets.js";

export type TargetAuth = "token" | "oidc" | "unified";

export interface TargetConfig extends TargetSpec {
  /** Workspace URL; when absent, DATABRICKS_HOST of the environment the run happens in. */
  host?: string;
  /** GitHub environment bound to the workflow job that applies this target (its secrets hold host and token). */
  environment?: string;
  auth?: TargetAuth;
  /** The target used when none is named (else the first one). */
  default?: boolean;
}

/** Where a problem sits: the file, the field path (e.g. `targets.dev.mode`) and a line lookup. */
export interface ConfigPlace {
  file: string;
  lineOf: (path: (string | number)[]) => number | undefined;
  fail: (line: number | undefined, field: string, problem: string, fix: string) => never;
}

const TARGET_KEYS = ["mode", "host", "environment", "auth", "prefix", "default", "overrides"];
const MODES: TargetMode[] = ["development", "production"];
const AUTHS: TargetAuth[] = ["token", "oidc", "unified"];
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

/** Validates the `targets:` block; returns the targets in promotion (declaration) order. */
export function parseTargets(raw: unknown, place: ConfigPlace): TargetConfig[] {
  const at = (...path: (string | number)[]) => place.lineOf(["targets", ...path]);
  if (!isObject(raw) || Object.keys(raw).length === 0)
    place.fail(
      at(),
      "targets",
      "must map target names to their settings",
      "Write e.g. `targets: { dev: { mode: development } }`.",
    );
  const targets = Object.entries(raw).map(([name, value]) => parseTarget(name, value, place));
  const defaults = targets.filter((t) => t.default);
  if (defaults.length > 1)
    place.fail(
      at(defaults[1]!.name, "default"),
      `targets.${defaults[1]!.name}.default`,
      `more than one target is the default (${defaults.map((t) => t.name).join(", ")})`,
      "Keep `default: true` on one target only.",
    );
  return targets;
}

function parseTarget(name: string, value: unknown, place: ConfigPlace): TargetConfig {
  const field = `targets.${name}`;
  const at = (...path: string[]) => place.lineOf(["targets", name, ...path]);
  if (!NAME.test(name))
    place.fail(
      at(),
      field,
      `target name ${JSON.stringify(name)} is not allowed`,
      "Use letters, digits, '_' or '-', starting with a letter (e.g. `dev`, `prod`).",
    );
  const spec = value === null ? {} : value;
  if (!isObject(spec))
    place.fail(at(), field, "must be a mapping of settings", "Write e.g. `dev: { mode: development }`.");
  for (const key of Object.keys(spec)) {
    if (TARGET_KEYS.includes(key)) continue;
    const near = didYouMean(key, TARGET_KEYS);
    place.fail(
      at(key),
      `${field}.${key}`,
      "unknown key",
      near ? `Did you mean \`${near}\`?` : `Use one of: ${TARGET_KEYS.join(", ")}.`,
    );
  }
  const target: TargetConfig = { name };
  const str = (key: string): string | undefined => {
    const v = spec[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v.trim() === "")
      place.fail(
        at(key),
        `${field}.${key}`,
        `must be a non-empty string; found ${JSON.stringify(v)}`,
        `Write \`${key}: <value>\`.`,
      );
    return v;
  };
  const mode = str("mode");
  if (mode !== undefined) {
    if (!MODES.includes(mode as TargetMode))
      place.fail(
        at("mode"),
        `${field}.mode`,
        `unknown mode ${JSON.stringify(mode)}`,
        `Use one of: ${MODES.join(", ")}.`,
      );
    target.mode = mode as TargetMode;
  }
  const host = str("host");
  if (host !== undefined) {
    if (!/^https?:\/\/[^\s/]+/.test(host))
      place.fail(
        at("host"),
        `${field}.host`,
        `must be a workspace URL; found ${JSON.stringify(host)}`,
        "Write e.g. `host: https://adb-1234567890123456.7.azuredatabricks.net`.",
      );
    target.host = host.replace(/\/+$/, "");
  }
  const environment = str("environment");
  if (environment !== undefined) target.environment = environment;
  const auth = str("auth");
  if (auth !== undefined) {
    if (!AUTHS.includes(auth as TargetAuth))
      place.fail(
        at("auth"),
        `${field}.auth`,
        `unknown auth ${JSON.stringify(auth)}`,
        `Use one of: ${AUTHS.join(", ")}.`,
      );
    target.auth = auth as TargetAuth;
  }
  if (spec.prefix !== undefined) {
    if (typeof spec.prefix !== "string")
      place.fail(at("prefix"), `${field}.prefix`, "must be a string", 'Write e.g. `prefix: "[staging] "`.');
    target.prefix = spec.prefix;
  }
  if (spec.default !== undefined) {
    if (typeof spec.default !== "boolean")
      place.fail(
        at("default"),
        `${field}.default`,
        `must be true or false; found ${JSON.stringify(spec.default)}`,
        "Write `default: true`.",
      );
    target.default = spec.default;
  }
  if (spec.overrides !== undefined) {
    if (!isObject(spec.overrides))
      place.fail(
        at("overrides"),
        `${field}.overrides`,
        "must be a mapping of job settings",
        "Write e.g. `overrides: { tags: { env: dev } }`.",
      );
    target.overrides = spec.overrides;
  }
  return target;
}

/**
 * The target a run uses: the one named (flag / JOBAGENT_TARGET), else the one marked `default: true`, else the first.
 * Undefined when the project declares no targets (a single workspace, as before).
 */
export function selectTarget(
  targets: TargetConfig[] | undefined,
  name: string | undefined,
): TargetConfig | undefined {
  if (!targets || targets.length === 0) {
    if (name)
      throw new Error(
        `target "${name}" is not declared: jobagent.yml has no \`targets:\` — add it, or run without --target / JOBAGENT_TARGET`,
      );
    return undefined;
  }
  if (!name) return targets.find((t) => t.default) ?? targets[0];
  const found = targets.find((t) => t.name === name);
  if (found) return found;
  const near = didYouMean(
    name,
    targets.map((t) => t.name),
  );
  throw new Error(
    `target "${name}" is not declared in jobagent.yml (targets: ${targets.map((t) => t.name).join(", ")})${near ? ` — did you mean "${near}"?` : ""}`,
  );
}

/** The project id a target records in ownership tags and lock paths: jobs of one target are never another's. */
export function targetProjectId(projectId: string, target: TargetConfig | undefined): string {
  return target && projectId ? `${projectId}@${target.name}` : projectId;
}
