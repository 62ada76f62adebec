/**
 * Where raw setting values come from: the action's inputs (src/action/inputs.ts builds that source from
 * `core.getInput`) or the CLI's flags and `JOBAGENT_*` environment. Each source also says how to name a setting in an error message.
 */
import { cliEnvName, type Surface } from "./spec.js";

export type Env = Record<string, string | undefined>;

export interface RawValue {
  value: string;
  /** How the user gave it, for error messages: `input "jobs-dir"`, `--jobs-dir`, `JOBAGENT_JOBS_DIR`, `DATABRICKS_HOST`. */
  label: string;
}

export interface SettingsSource {
  surface: Surface;
  /** The trimmed raw value; undefined when not given (then fallbacks and the default apply). */
  get(name: string): RawValue | undefined;
  /** How to name a setting in a message when it has no value: `input "llm-model"`, `--llm-model`. */
  labelOf(name: string): string;
  /** The process environment, for the documented fallbacks (DATABRICKS_HOST, DATABRICKS_TOKEN, …). */
  env: Env;
}

/** The CLI's parsed flags (node:util parseArgs values), then `JOBAGENT_<NAME>`. Boolean flags count as "true". */
export function cliSource(flags: Record<string, unknown>, env: Env): SettingsSource {
  return {
    surface: "cli",
    env,
    labelOf: (name) => `--${name}`,
    get(name) {
      const flag = flags[name];
      if (flag === true) return { value: "true", label: `--${name}` };
      if (typeof flag === "string" && flag.trim() !== "") return { value: flag.trim(), label: `--${name}` };
      const fromEnv = env[cliEnvName(name)]?.trim() ?? "";
      return fromEnv === "" ? undefined : { value: fromEnv, label: cliEnvName(name) };
    },
  };
}
