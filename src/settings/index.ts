/** One way in for settings: the table (spec), where raw values come from (source) and the parser (read). */
export { SETTINGS, cliEnvName, type SettingSpec } from "./spec.js";
export { cliSource, type Env, type SettingsSource } from "./source.js";
export { readSettings, SettingsError, type Settings } from "./read.js";
