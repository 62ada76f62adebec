/**
 * The client-side rate limiter (src/adapters/databricks/rate-limit.ts) against a simulated workspace that counts
 * arrivals in a sliding one-second window and answers 429 with Retry-After (whole seconds) beyond its limit — the
 * behaviour of the real service and of the local workspace. Fake timers drive the clock; every figure asserted is a
 * count of requests or a rate measured over simulated time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RateLimiter, type RequestKind, type Ticket } from "../../src/adapters/databricks/rate-limit.js";

/** A workspace allowing `limit()` requests of the limited kind per sliding second. */
class SimulatedWorkspace {
  readonly accepted: number[] = [];
  readonly refusedAt: number[] = [];
  private recent: number[] = [];

  constructor(
    private readonly limiter: RateLimiter,
    private readonly limit: (now: number) => number,
    private readonly limitedKind: RequestKind = "write",
  ) {}

  /** Handles one request; false when it answered 429. */
  handle(ticket: Ticket): boolean {
    const now = Date.now();
    if (ticket.kind === this.limitedKind) {
      this.recent = this.recent.filter((t) => now - t < 1000);
      if (this.recent.length >= this.limit(now)) {
        const retryAfterS = Math.max(1, Math.ceil((1000 - (now - (this.recent[0] as number))) / 1000));
        this.refusedAt.push(now);
        this.limiter.refused(ticket, retryAfterS * 1000, now);
        return false;
      }
      this.recent.push(now);
    }
    this.accepted.push(now);
    this.limiter.answered(ticket, now);
    return true;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `requests` requests of `kind` from `concurrency` callers (5 ms latency), each retried until let through. */
async function drive(
  limiter: RateLimiter,
  workspace: SimulatedWorkspace,
  requests: number,
  { concurrency = 8, kind = "write" as RequestKind } = {},
): Promise<{ start: number; end: number }> {
  let left = requests;
  const start = Date.now();
  const worker = async () => {
    while (left > 0) {
      left -= 1;
      for (;;) {
        const ticket = await limiter.acquire(kind);
        await sleep(5);
        if (workspace.handle(ticket)) break;
      }
    }
  };
  let done = false;
  const all = Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
    done = true;
  });
  while (!done) await vi.advanceTimersByTimeAsync(10);
  await all;
  return { start, end: Date.now() };
}

/** Requests let through per second from `from` to `end`. */
function steadyRate(times: number[], from: number, end: number): number {
  return times.filter((t) => t >= from).length / ((end - from) / 1000);
}

describe("rate limiter", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends at once while no limit is known", async () => {
    const limiter = new RateLimiter();
    const workspace = new SimulatedWorkspace(limiter, () => Infinity);
    const { start, end } = await drive(limiter, workspace, 80);
    expect(workspace.accepted).toHaveLength(80);
    expect(end - start).toBeLessThan(200);
    expect(limiter.stats()).toEqual({ limits: {}, rateLimited: 0, predictable: 0 });
  });

  it("learns a 20/s limit from the first 429s, then keeps at least 90 % of it with no predictable 429", async () => {
    const limiter = new RateLimiter();
    const workspace = new SimulatedWorkspace(limiter, () => 20);
    const { start, end } = await drive(limiter, workspace, 400);
    const stats = limiter.stats();
    expect(stats.limits.write).toBe(20);
    expect(stats.predictable).toBe(0);
    // Only the requests in flight when the first 429 came back were refused.
    expect(stats.rateLimited).toBeLessThanOrEqual(8);
    expect(steadyRate(workspace.accepted, start + 2000, end)).toBeGreaterThanOrEqual(18);
  });

  it("holds requests of the refused kind until Retry-After has passed", async () => {
    const limiter = new RateLimiter();
    const workspace = new SimulatedWorkspace(limiter, () => 10);
    await drive(limiter, workspace, 30);
    const first = workspace.refusedAt[0] as number;
    // The workspace said "retry after 1 s": nothing of that kind was let through in that second.
    expect(workspace.accepted.filter((t) => t > first && t < first + 1000)).toEqual([]);
    expect(workspace.accepted).toHaveLength(30);
  });

  it("does not slow reads when writes are refused", async () => {
    const limiter = new RateLimiter();
    const writes = new SimulatedWorkspace(limiter, () => 5, "write");
    await drive(limiter, writes, 20);
    expect(limiter.stats().limits).toEqual({ write: 5 });
    const reads = new SimulatedWorkspace(limiter, () => Infinity, "write");
    const { start, end } = await drive(limiter, reads, 100, { kind: "read" });
    expect(reads.accepted).toHaveLength(100);
    expect(end - start).toBeLessThan(200);
  });

  it("raises a limit lowered by a busy moment back to the highest one learned, and not beyond", async () => {
    const limiter = new RateLimiter();
    const began = Date.now();
    // 20/s, except 5/s between the 3rd and the 5th second (a busy moment), then 20/s again.
    const limit = (now: number) => (now - began >= 3000 && now - began < 5000 ? 5 : 20);
    const workspace = new SimulatedWorkspace(limiter, limit);
    const { end } = await drive(limiter, workspace, 500);
    const stats = limiter.stats();
    // The 429 of the busy moment, refused at the ceiling, lowered it one step (5 %) below the 20/s learned first.
    expect(stats.limits.write).toBe(19);
    expect(workspace.refusedAt.filter((t) => t >= began + 3000 && t < began + 5000).length).toBeGreaterThan(
      0,
    );
    // Raised back after the busy moment (once two quiet seconds passed), never probing a rate already refused: no 429
    // after it, and back at the lowered ceiling (19 × 95 %: ≥ 85 % of the workspace's 20/s).
    expect(workspace.refusedAt.filter((t) => t >= began + 5000)).toEqual([]);
    expect(end).toBeGreaterThan(began + 15000);
    expect(steadyRate(workspace.accepted, began + 10000, end)).toBeGreaterThanOrEqual(17);
  });

  it("paces a configured limit at 95 % and never above it", async () => {
    const limiter = new RateLimiter({ write: 10 });
    const workspace = new SimulatedWorkspace(limiter, () => 10);
    const { start, end } = await drive(limiter, workspace, 100);
    expect(limiter.stats()).toEqual({ limits: { write: 10 }, rateLimited: 0, predictable: 0 });
    const rate = steadyRate(workspace.accepted, start, end);
    expect(rate).toBeGreaterThanOrEqual(9);
    expect(rate).toBeLessThanOrEqual(10);
  });

  it("refuses a limit that is not a positive number", () => {
    expect(() => new RateLimiter({ write: 0 })).toThrow(
      "rate limit for write requests must be a positive number, got 0",
    );
  });
});
