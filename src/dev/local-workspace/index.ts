/**
 * The local Databricks workspace: an HTTP server speaking the parts of the Databricks REST API the agent uses (Jobs
 * 2.2/2.1, job permissions, clusters, cluster policies, workspace objects, SQL warehouses, pipelines) faithfully enough
 * that the official SDK cannot tell the difference. Used in-process by tests, the CLI default and the demo, and as a
 * server by `jobagent workspace serve`. See docs/local-workspace.md.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FaultSet, type FaultRule } from "./faults.js";
import type { ApiContext } from "./jobs-api.js";
import { canonicalPath } from "./catalog-api.js";
import { defaultSeed, type LocalWorkspaceSeed } from "./seed.js";
import { createRequestHandler } from "./server.js";
import { initialState, loadStateFile, StateSaver, type WorkspaceState } from "./store.js";

export type { LocalWorkspaceSeed } from "./seed.js";

export type { FaultRule } from "./faults.js";

export interface FaultController {
  add(rule: FaultRule): void;
  clear(): void;
  /** Calls received so far (all endpoints). */
  readonly calls: number;
  /** The active rules and how often each fired. */
  list(): Array<FaultRule & { fired: number }>;
}

export interface LocalWorkspaceOptions {
  port?: number;
  host?: string;
  /** JSON file the state is loaded from and saved to (after every write). */
  stateFile?: string;
  /** Token clients must send (Bearer). Default: a random one. */
  token?: string;
  /** Replaces parts of the default seed (node types, runtimes, clusters, policies, objects, warehouses, pipelines, user). Ignored when a state file already exists. */
  seed?: Partial<LocalWorkspaceSeed>;
  /** Rate limit: max requests per second before answering 429 with Retry-After. */
  rateLimitPerSecond?: number;
  /** Which requests the rate limit counts: every API call (default) or only writes (non-GET). */
  rateLimitScope?: "all" | "writes";
  /** Milliseconds a run spends in each life-cycle state (default 50). */
  runStepMs?: number;
  /** Seed of the RNG that decides probabilistic faults (default 1). */
  faultSeed?: number;
  /**
   * How jobs read back. "realistic" (default): like the real service, driven by the field-behaviour table
   * (server defaults filled in, input-only fields dropped, unordered arrays reordered). "echo": as sent, for a unit
   * test that needs to see exactly its own request.
   */
  fidelity?: "realistic" | "echo";
}

export interface LocalWorkspace {
  url: string;
  token: string;
  port: number;
  faults: FaultController;
  /** API calls received per endpoint, keyed "METHOD /path" (e.g. "GET /api/2.2/jobs/list"). */
  stats(): Record<string, number>;
  resetStats(): void;
  close(): Promise<void>;
}

function normaliseSeed(seed: LocalWorkspaceSeed): LocalWorkspaceSeed {
  return {
    ...seed,
    workspaceObjects: seed.workspaceObjects.map((o) => ({ ...o, path: canonicalPath(o.path) })),
  };
}

export async function startLocalWorkspace(options: LocalWorkspaceOptions = {}): Promise<LocalWorkspace> {
  const token = options.token ?? `dapi${randomBytes(16).toString("hex")}`;
  if (token.length === 0) throw new Error("local workspace: option token must be a non-empty string");
  if (options.rateLimitPerSecond !== undefined && !(options.rateLimitPerSecond > 0)) {
    throw new Error(
      `local workspace: option rateLimitPerSecond must be a positive number, got ${options.rateLimitPerSecond}`,
    );
  }
  const stepMs = options.runStepMs ?? 50;
  let state: WorkspaceState | undefined = options.stateFile
    ? await loadStateFile(options.stateFile)
    : undefined;
  const saver = new StateSaver(options.stateFile);
  if (!state) {
    state = initialState(normaliseSeed({ ...defaultSeed(), ...(options.seed ?? {}) }), Date.now());
    await saver.save(state);
  }
  const stateRef = state;
  const faults = new FaultSet(options.faultSeed ?? 1);
  const stats = new Map<string, number>();
  const counters = { calls: 0 };
  const ctx: ApiContext = {
    state: stateRef,
    now: () => Date.now(),
    stepMs,
    baseUrl: "",
    fidelity: options.fidelity ?? "realistic",
  };
  const server: Server = createServer(
    { keepAlive: true },
    createRequestHandler({
      ctx,
      token,
      faults,
      rateLimitPerSecond: options.rateLimitPerSecond,
      rateLimitScope: options.rateLimitScope ?? "all",
      save: () => saver.save(stateRef),
      stats,
      counters,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl}:${address.port}`;
  ctx.baseUrl = url;
  let closed = false;
  return {
    url,
    token,
    port: address.port,
    faults: {
      add: (rule) => faults.add(rule),
      clear: () => faults.clear(),
      get calls() {
        return counters.calls;
      },
      list: () => faults.list(),
    },
    stats: () => Object.fromEntries(stats),
    resetStats: () => {
      stats.clear();
      counters.calls = 0;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await saver.flush();
    },
  };
}
