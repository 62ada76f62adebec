/**
 * Per-run context shared by the Tech Lead, the planner and the applier: the task store, one lazily read workspace
 * snapshot, the Tech Lead's tools, and the clock.
 */
import type { EngineOptions } from "./api.js";
import { FileTaskStore, type TaskStore } from "../state/task-store.js";
import { WorkspaceSnapshot } from "../state/ownership.js";
import type { ProseInterpreter, TechLeadTools } from "../techlead/types.js";
import { getRetriever } from "../retriever/index.js";

export interface RunContext {
  options: EngineOptions;
  store: TaskStore;
  now: () => Date;
  snapshot(): Promise<WorkspaceSnapshot>;
  /** Forget the snapshot (after writes). */
  invalidate(): void;
  /**
   * Start reading the snapshot now, so that its pages arrive while the repository is read (the reads yield to the
   * event loop now and then: state/read-text.ts). A failure is reported where the snapshot is awaited.
   */
  prefetch(): void;
  tools: TechLeadTools;
  /** One LLM interpreter per run (it remembers which structured-output mode the endpoint accepts). */
  llmInterpreter?: ProseInterpreter;
}

/** A read asked once per run: every caller shares its answer; a failed read is asked again by the next caller. */
function oncePerRun<T>(read: () => Promise<T>): () => Promise<T> {
  let answer: Promise<T> | undefined;
  return () => {
    answer ??= read().catch((error: unknown) => {
      answer = undefined;
      throw error;
    });
    return answer;
  };
}

export function createRunContext(options: EngineOptions, store?: TaskStore): RunContext {
  let snapshot: Promise<WorkspaceSnapshot> | undefined;
  const ctx: RunContext = {
    options,
    store: store ?? new FileTaskStore(options.repoDir, options.jobsDir, options.target?.name),
    now: options.now ?? (() => new Date()),
    snapshot() {
      snapshot ??= WorkspaceSnapshot.read(options.workspace, options.repo);
      return snapshot;
    },
    invalidate() {
      snapshot = undefined;
    },
    prefetch() {
      ctx.snapshot().catch(() => undefined);
    },
    tools: {
      searchDocs: (query, k) => getRetriever().search(query, k),
      // The workspace's node types, runtimes and warehouses do not change within a run: read once, for every
      // requirement (and every cluster of one) that needs them.
      listNodeTypes: oncePerRun(() => options.workspace.listNodeTypes()),
      listSparkVersions: oncePerRun(() => options.workspace.listSparkVersions()),
      listWarehouses: oncePerRun(() => options.workspace.listWarehouses()),
      async findJobsByName(name) {
        const wanted = name.toLowerCase();
        const snap = await ctx.snapshot();
        return [...snap.jobs.values()].filter((job) =>
          (job.settings.name ?? "").toLowerCase().includes(wanted),
        );
      },
      async pathExists(path) {
        return (await options.workspace.getObjectStatus(path)) !== undefined;
      },
    },
  };
  return ctx;
}
