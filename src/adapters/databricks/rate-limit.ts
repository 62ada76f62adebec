/**
 * Client-side rate limiting for the workspace client: one token bucket per kind of request (reads, writes), so a
 * limit the workspace signals for writes slows writes only.
 *
 * The Databricks REST API signals a limit with HTTP 429 and Retry-After (seconds) and says nothing of the limit
 * itself. A bucket therefore starts unlimited (or at a configured rate, like the Go SDK's and Terraform's
 * `rate_limit`), and on a 429:
 * - learns the limit as the number of its requests of that kind let through in the second before the refused one
 *   was sent (the workspace counts arrivals);
 * - holds every request of that kind until Retry-After has passed (measured from the answer);
 * - from then on spaces requests evenly at a safety fraction of the limit (a bucket of capacity 1), so requests do
 *   not arrive in bursts the workspace would refuse.
 * - a learned limit is probed upwards again (doubled after every two seconds without a 429), so a burst of 429s
 *   that were not the workspace's steady limit (a busy moment, a proxy) does not slow the run for good.
 * A 429 to a request sent while the limit was already known is counted as "predictable".
 */

/** Quiet time after which a learned limit is doubled (ms). */
const PROBE_AFTER_MS = 2000;

/** Requests are spaced at this fraction of the learned limit: room for network jitter. */
export const RATE_SAFETY = 0.95;

export type RequestKind = "read" | "write";

export interface RateLimitStats {
  /** Learned (or configured) requests per second per kind; absent while unlimited. */
  limits: Partial<Record<RequestKind, number>>;
  /** 429 answers received. */
  rateLimited: number;
  /** 429 answers to requests sent while the limit was already known. */
  predictable: number;
}

/** What acquire() hands back: report the answer with it. */
export interface Ticket {
  kind: RequestKind;
  /** The bucket had a known limit when this request was admitted. */
  limited: boolean;
  /** When it was admitted (sent). */
  sentAt: number;
  refused?: boolean;
}

class Bucket {
  limit: number | undefined;
  private pausedUntil = 0;
  private nextAt = 0;
  private readonly queue: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Requests admitted in the last second (for learning the limit: the workspace counts arrivals). */
  private readonly sent: Ticket[] = [];
  /** When the limit was last learned or raised (0: configured, never probed). */
  private learnedAt = 0;

  constructor(limit: number | undefined) {
    this.limit = limit;
  }

  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.pump();
    });
  }

  private pump(): void {
    if (this.timer) return;
    while (this.queue.length > 0) {
      const now = Date.now();
      if (this.learnedAt > 0 && this.limit !== undefined && now - this.learnedAt >= PROBE_AFTER_MS) {
        this.limit *= 2;
        this.learnedAt = now;
      }
      const at = Math.max(this.pausedUntil, this.limit !== undefined ? this.nextAt : 0);
      if (at > now) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, at - now);
        return;
      }
      (this.queue.shift() as () => void)();
      if (this.limit !== undefined)
        this.nextAt = Math.max(this.nextAt, now) + 1000 / (this.limit * RATE_SAFETY);
    }
  }

  onSent(ticket: Ticket): void {
    this.sent.push(ticket);
    while (this.sent.length > 0 && ticket.sentAt - (this.sent[0] as Ticket).sentAt >= 2000) this.sent.shift();
  }

  /** The refused request was one too many: the limit is what was let through in the second before it was sent. */
  onRateLimited(ticket: Ticket, at: number, retryAfterMs: number | undefined): void {
    ticket.refused = true;
    const before = this.sent.filter(
      (t) => t !== ticket && !t.refused && t.sentAt <= ticket.sentAt && ticket.sentAt - t.sentAt < 1000,
    );
    const observed = Math.max(1, before.length);
    this.limit = observed;
    this.learnedAt = at;
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, at + retryAfterMs);
    // The next request waits for the pause and then one interval: the window the workspace counts restarts.
    this.nextAt = Math.max(this.nextAt, this.pausedUntil);
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pump();
  }
}

export class RateLimiter {
  private readonly buckets: Record<RequestKind, Bucket>;
  private rateLimited = 0;
  private predictable = 0;

  constructor(initial: Partial<Record<RequestKind, number>> = {}) {
    for (const [kind, rate] of Object.entries(initial))
      if (rate !== undefined && !(rate > 0))
        throw new Error(`rate limit for ${kind} requests must be a positive number, got ${rate}`);
    this.buckets = { read: new Bucket(initial.read), write: new Bucket(initial.write) };
  }

  /** Waits until a request of this kind may be sent. */
  async acquire(kind: RequestKind): Promise<Ticket> {
    const bucket = this.buckets[kind];
    await bucket.acquire();
    const ticket: Ticket = { kind, limited: bucket.limit !== undefined, sentAt: Date.now() };
    bucket.onSent(ticket);
    return ticket;
  }

  /** The workspace answered 429 (with Retry-After in ms when it sent one). */
  refused(ticket: Ticket, retryAfterMs: number | undefined, at = Date.now()): void {
    this.rateLimited += 1;
    if (ticket.limited) this.predictable += 1;
    this.buckets[ticket.kind].onRateLimited(ticket, at, retryAfterMs);
  }

  stats(): RateLimitStats {
    const limits: RateLimitStats["limits"] = {};
    for (const kind of ["read", "write"] as const) {
      const limit = this.buckets[kind].limit;
      if (limit !== undefined) limits[kind] = limit;
    }
    return { limits, rateLimited: this.rateLimited, predictable: this.predictable };
  }
}
