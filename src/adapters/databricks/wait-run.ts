/**
 * Waiting for a job run (apply's `run` tasks, `/jobagent run`): polls the run with backoff until it ends or the bound
 * passes, logging one line per state change (`run 7 of job 3: RUNNING`) and the end with its result, duration and
 * run page.
 */
import { formatDuration } from "../../domain/duration.js";
import type { Logger } from "../../domain/model.js";
import type { RunState, Workspace } from "./port.js";

export const TERMINAL_RUN_STATES: ReadonlySet<string> = new Set(["TERMINATED", "SKIPPED", "INTERNAL_ERROR"]);

export interface WaitedRun {
  state: RunState;
  /** Set when the run ended within the bound. */
  durationMs?: number;
}

export async function waitForRun(
  workspace: Pick<Workspace, "getRun">,
  log: Pick<Logger, "info" | "warn">,
  run: { runId: number; jobId: number },
  seconds: number,
): Promise<WaitedRun> {
  const started = Date.now();
  const deadline = started + seconds * 1000;
  const name = `run ${run.runId} of job ${run.jobId}`;
  let delay = 200;
  let last = "";
  for (;;) {
    const state = await workspace.getRun(run.runId);
    const now = `${state.life_cycle_state}${state.result_state ? ` ${state.result_state}` : ""}`;
    const took = Date.now() - started;
    if (TERMINAL_RUN_STATES.has(state.life_cycle_state)) {
      const url = state.run_page_url ? ` — ${state.run_page_url}` : "";
      log.info(`${name}: ${now} after ${formatDuration(took)}${url}`);
      return { state, durationMs: took };
    }
    if (now !== last) log.info(`${name}: ${now}`);
    last = now;
    if (Date.now() > deadline) {
      log.warn(
        `${name} still ${now} after ${formatDuration(took)}; no longer waiting (run-wait-seconds ${seconds})`,
      );
      return { state };
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 5000);
  }
}
