/**
 * What main.ts hands to a command in its own file (init, validate, import): parsed flags, the repository, output
 * and logging. Kept free of main.ts imports so the command files do not form a cycle with it.
 */
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../domain/model.js";
import type { LocalWorkspace } from "../../dev/local-workspace/index.js";

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  /** Positionals after the command name. */
  args: string[];
  values: FlagValues;
  /** Absolute repository root. */
  repoDir: string;
  /** Jobs directory relative to repoDir. */
  jobsDir: string;
  out: (text: string) => void;
  log: Logger;
  /** A usage error (exit code 2). */
  usage: (message: string) => Error;
  /** owner/name of the repository (--repo, GITHUB_REPOSITORY, the origin remote, the directory name). */
  repoIdentity: () => Promise<string>;
  formatDiagnostic: (d: {
    file?: string;
    line?: number;
    path: string;
    message: string;
    fix: string;
    value?: unknown;
  }) => string;
}

/**
 * The embedded local workspace over a throw-away copy of `<repo>/.jobagent/workspace.json` (an empty workspace when
 * there is none): reads as the last local plan/apply left it, writes nothing in the repository.
 */
export async function readOnlyLocalState(stateFile: string, token: string): Promise<LocalWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), "jobagent-validate-"));
  const copy = join(dir, "workspace.json");
  if (existsSync(stateFile)) await copyFile(stateFile, copy);
  const { startLocalWorkspace } = await import("../../dev/local-workspace/index.js");
  const local = await startLocalWorkspace({ stateFile: copy, token });
  const close = local.close.bind(local);
  local.close = async () => {
    await close();
    await rm(dir, { recursive: true, force: true });
  };
  return local;
}
