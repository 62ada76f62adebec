/**
 * In-process engine runs for the safety suites: the real engine (runPlan / runApply / readStatus) over the real SDK
 * workspace adapter against a local workspace, with a logger that keeps every line (to scan for secrets).
 */
import type { Logger } from "../../src/domain/model.js";
import type { EngineOptions } from "../../src/engine/api.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import type { WorkspaceRef } from "./reliability-harness.js";

export interface CapturingLogger extends Logger {
  lines: string[];
}

export function capturingLogger(): CapturingLogger {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(`info: ${m}`),
    warn: (m) => void lines.push(`warn: ${m}`),
    error: (m) => void lines.push(`error: ${m}`),
    debug: (m) => void lines.push(`debug: ${m}`),
    async group(name, fn) {
      lines.push(`group: ${name}`);
      return fn();
    },
  };
}

export function engineOptions(
  repoDir: string,
  ws: WorkspaceRef,
  extra: Partial<EngineOptions> & { log?: Logger } = {},
): EngineOptions & { log: Logger } {
  return {
    repoDir,
    jobsDir: "jobs",
    workspace: createSdkWorkspace({
      host: ws.url,
      token: ws.token,
      maxRetries: 3,
      timeoutMs: 20_000,
      baseDelayMs: 20,
      maxDelayMs: 200,
    }),
    repo: "acme/pipelines",
    allowDelete: false,
    runId: `safety-${process.pid}-${Date.now()}`,
    log: capturingLogger(),
    ...extra,
  };
}
