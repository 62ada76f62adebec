/** The package version: scripts/build.mjs replaces `__JOBAGENT_VERSION__` with package.json's version (esbuild define). */
declare const __JOBAGENT_VERSION__: string | undefined;

export const VERSION: string =
  typeof __JOBAGENT_VERSION__ === "string" ? __JOBAGENT_VERSION__ : "0.0.0-development";
