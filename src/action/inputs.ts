/**
 * The action's inputs, parsed once by the shared settings module (src/settings) into a typed object. Every secret
 * is registered with `core.setSecret` the moment it is read, before anything can log it. Every input is
 * documented in action.yml (test/settings/parity.test.ts keeps the two in step).
 */
import * as core from "@actions/core";
import { ConfigurationError } from "./errors.js";
import { GITHUB_ACTIONS_BOT } from "../adapters/github/sticky.js";
import {
  readSettings,
  SettingsError,
  type Env,
  type Settings,
  type SettingsSource,
} from "../settings/index.js";

export type ActionInputs = Omit<
  Settings,
  "strictConsistency" | "repoDir" | "repo" | "jobsDirExplicit" | "secrets"
>;

export interface InputSource {
  /** Raw input value ("" when not set), like core.getInput. */
  get(name: string): string;
  env: Env;
  setSecret(value: string): void;
}

export const actionInputSource: InputSource = {
  get: (name) => core.getInput(name),
  env: process.env,
  setSecret: (value) => core.setSecret(value),
};

function settingsSource(source: InputSource): SettingsSource {
  return {
    surface: "action",
    env: source.env,
    labelOf: (name) => `input "${name}"`,
    get(name) {
      const value = source.get(name).trim();
      return value === "" ? undefined : { value, label: `input "${name}"` };
    },
  };
}

/** Reads and checks every input once. Throws a ConfigurationError naming the input and quoting the bad value. */
export function parseInputs(source: InputSource = actionInputSource): ActionInputs {
  let settings: Settings;
  try {
    settings = readSettings(settingsSource(source), (secrets) => secrets.forEach((s) => source.setSecret(s)));
  } catch (error) {
    if (error instanceof SettingsError) throw new ConfigurationError(error.message);
    throw error;
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { strictConsistency, repoDir, repo, jobsDirExplicit, secrets, ...inputs } = settings;
  return { ...inputs, botLogins: [...new Set([GITHUB_ACTIONS_BOT, ...settings.botLogins])] };
}
