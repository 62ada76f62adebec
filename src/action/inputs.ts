/**
 * The action's inputs, parsed once into a typed object. The only module that reads inputs (`core.getInput`);
 * every secret is registered with `core.setSecret` the moment it is read, before anything can log it.
 * Every input is documented in action.yml.
 */
import * as core from "@actions/core";
import { ConfigurationError } from "./errors.js";
import { GITHUB_ACTIONS_BOT } from "../adapters/github/sticky.js";

export const MODES = ["auto", "tech-lead", "plan", "apply", "drift", "unlock"] as const;
export type Mode = (typeof MODES)[number];

export interface ActionInputs {
  mode: Mode;
  /** Repo-relative jobs directory, no trailing slash. */
  jobsDir: string;
  /** Workspace URL without trailing slash; undefined when neither the input nor DATABRICKS_HOST is set. */
  databricksHost?: string;
  /** Personal access / service principal token; undefined → GitHub OIDC token federation. */
  databricksToken?: string;
  /** Service principal application id for OIDC token federation (optional). */
  databricksClientId?: string;
  /** Audience of the GitHub ID token for OIDC federation; undefined → GitHub's default. */
  databricksOidcAudience?: string;
  githubToken?: string;
  /** Comment authors the action treats as itself (its sticky comments, the approved plan). */
  botLogins: string[];
  llm?: {
    model: string;
    /** undefined → `<databricks host>/serving-endpoints`. */
    baseUrl?: string;
    /** undefined → the Databricks token. */
    apiKey?: string;
  };
  allowDelete: boolean;
  commitProgress: boolean;
  onPlanChange: "fail" | "apply";
  comment: "sticky" | "off";
  failOnDrift: boolean;
  /** Bounded wait for runs started by `run` requirements (seconds). */
  runWaitSeconds: number;
}

export interface InputSource {
  /** Raw input value ("" when not set), like core.getInput. */
  get(name: string): string;
  env: Record<string, string | undefined>;
  setSecret(value: string): void;
}

export const actionInputSource: InputSource = {
  get: (name) => core.getInput(name),
  env: process.env,
  setSecret: (value) => core.setSecret(value),
};

const SECRET_INPUTS = ["databricks-token", "github-token", "llm-api-key"] as const;

function bad(name: string, value: string, expected: string): ConfigurationError {
  return new ConfigurationError(`input "${name}" has the value "${value}"; ${expected}`);
}

function oneOf<T extends string>(source: InputSource, name: string, allowed: readonly T[], fallback: T): T {
  const raw = source.get(name).trim();
  if (raw === "") return fallback;
  const value = raw.toLowerCase() as T;
  if (!allowed.includes(value)) throw bad(name, raw, `use one of: ${allowed.join(", ")}`);
  return value;
}

function boolean(source: InputSource, name: string, fallback: boolean): boolean {
  const raw = source.get(name).trim();
  if (raw === "") return fallback;
  if (/^(true|yes|on|1)$/i.test(raw)) return true;
  if (/^(false|no|off|0)$/i.test(raw)) return false;
  throw bad(name, raw, "use true or false");
}

function integer(source: InputSource, name: string, fallback: number, min: number, max: number): number {
  const raw = source.get(name).trim();
  if (raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw bad(name, raw, `use a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}

function url(name: string, raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw bad(name, raw, "use the workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw bad(name, raw, "use an https:// URL");
  }
  if (parsed.username || parsed.password) {
    throw new ConfigurationError(
      `input "${name}" contains credentials in the URL; pass the token in databricks-token`,
    );
  }
  return raw.replace(/\/+$/, "");
}

function jobsDirectory(source: InputSource): string {
  const raw = source.get("jobs-dir").trim();
  if (raw === "") return "jobs";
  const dir = raw.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/+$/, "");
  if (dir === "" || dir.startsWith("/") || dir.split("/").some((part) => part === "..")) {
    throw bad("jobs-dir", raw, "use a directory inside the repository, e.g. jobs");
  }
  return dir;
}

/** Reads and checks every input once. Throws a ConfigurationError naming the input and quoting the bad value. */
export function parseInputs(source: InputSource = actionInputSource): ActionInputs {
  for (const name of SECRET_INPUTS) {
    const value = source.get(name).trim();
    if (value) source.setSecret(value);
  }
  const envToken = source.env.DATABRICKS_TOKEN?.trim();
  if (envToken) source.setSecret(envToken);

  const hostRaw = source.get("databricks-host").trim() || source.env.DATABRICKS_HOST?.trim() || "";
  const databricksHost = hostRaw
    ? url(source.get("databricks-host").trim() ? "databricks-host" : "DATABRICKS_HOST", hostRaw)
    : undefined;
  const databricksToken = source.get("databricks-token").trim() || envToken || undefined;

  const model = source.get("llm-model").trim();
  const baseUrlRaw = source.get("llm-base-url").trim();
  const apiKey = source.get("llm-api-key").trim() || undefined;
  if (!model && (baseUrlRaw || apiKey)) {
    throw new ConfigurationError(
      `input "llm-model" is empty although ${baseUrlRaw ? '"llm-base-url"' : '"llm-api-key"'} is set; ` +
        "set llm-model to the serving endpoint name (e.g. databricks-claude-sonnet-4) or remove the other LLM inputs",
    );
  }

  const botLogins = [
    GITHUB_ACTIONS_BOT,
    ...source
      .get("bot-login")
      .split(/[\s,]+/)
      .map((login) => login.trim())
      .filter(Boolean),
  ];
  for (const login of botLogins) {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?$/.test(login)) {
      throw bad("bot-login", login, "use a GitHub login, e.g. my-app[bot]");
    }
  }

  return {
    mode: oneOf(source, "mode", MODES, "auto"),
    jobsDir: jobsDirectory(source),
    databricksHost,
    databricksToken,
    databricksClientId: source.get("databricks-client-id").trim() || undefined,
    databricksOidcAudience: source.get("databricks-oidc-audience").trim() || undefined,
    githubToken: source.get("github-token").trim() || undefined,
    botLogins: [...new Set(botLogins)],
    llm: model
      ? { model, baseUrl: baseUrlRaw ? url("llm-base-url", baseUrlRaw) : undefined, apiKey }
      : undefined,
    allowDelete: boolean(source, "allow-delete", false),
    commitProgress: boolean(source, "commit-progress", true),
    onPlanChange: oneOf(source, "on-plan-change", ["fail", "apply"] as const, "fail"),
    comment: oneOf(source, "comment", ["sticky", "off"] as const, "sticky"),
    failOnDrift: boolean(source, "fail-on-drift", false),
    runWaitSeconds: integer(source, "run-wait-seconds", 300, 0, 3600),
  };
}
