/**
 * CONTRACT STUB (owned by the local-workspace helper; replace the bodies, keep the signatures).
 */
export interface FaultRule {
  /** Which calls: method + path regex (e.g. { method: "POST", path: "/jobs/create" }); omitted = all. */
  method?: string;
  path?: string | RegExp;
  /** What happens. */
  kind: "status" | "drop" | "drop-after-commit" | "delay";
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  /** Probability 0..1 (seeded RNG) or exact count of matching calls to affect. */
  probability?: number;
  times?: number;
}

export interface FaultController {
  add(rule: FaultRule): void;
  clear(): void;
  /** Calls received so far (all endpoints). */
  readonly calls: number;
}

export interface LocalWorkspaceOptions {
  port?: number;
  host?: string;
  /** JSON file the state is loaded from and saved to (after every write). */
  stateFile?: string;
  /** Token clients must send (Bearer). Default: a random one. */
  token?: string;
  seed?: unknown;
  /** Rate limit: max requests per second before answering 429 with Retry-After. */
  rateLimitPerSecond?: number;
  /** Milliseconds a run spends in each life-cycle state (default small, e.g. 50). */
  runStepMs?: number;
}

export interface LocalWorkspace {
  url: string;
  token: string;
  faults: FaultController;
  close(): Promise<void>;
}

export async function startLocalWorkspace(options: LocalWorkspaceOptions = {}): Promise<LocalWorkspace> {
  void options;
  throw new Error("not implemented");
}
