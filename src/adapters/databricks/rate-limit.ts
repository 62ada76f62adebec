/**
 * Client-side rate limiting for the workspace client: one token bucket per kind of request (reads, writes), so a
 * limit the workspace signals for writes slows writes only.
 *
 * The Databricks REST API signals a limit with HTTP 429 and Retry-After (seconds) and says nothing of the limit
 * itself. A bucket therefore starts unlimited (or at a configured rate, like the Go SDK's and Terraform's
 * `rate_limit`), and on a 429:
 * - learns the limit as the number of its requests of that kind the workspace let through in the second before the
 *   refused one: counted by send time and by answer time, whichever is larger (the workspace counts arrivals, and on
 *   a busy machine requests sent over two seconds can arrive within one);
 * - holds every request of that kind until Retry-After has passed (measured from the answer);
 * - from then on spaces requests evenly at a safety fraction of the limit (a bucket of capacity 1), so requests do
 *   not arrive in bursts the workspace would refuse.
 * - a limit lowered by a 429 is raised again after two seconds without one (doubled, but never above the highest
 *   limit learned so far — the ceiling), so a busy moment does not slow the run for good, and no request is sent
 *   at a rate the workspace has already refused.
 * A 429 to a request sent while the limit was already known is counted as "predictable"; it lowers the ceiling.
 */

/** Quiet time after which a lowered limit is raised towards the ceiling (ms). */
const PROBE_AFTER_MS = 2000;

/** A 429 at the ceiling lowers it by this fraction (at least 1 request per second). */
const CEILING_STEP = 0.05;

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
  /** That limit (requests per second). */
  rate?: number;
  /** When it was admitted (sent). */
  sentAt: number;
  /** When the workspace's answer (not a 429) came. */
  answeredAt?: number;
  refused?: boolean;
}

/** The most tickets whose time (`at`) lies in the second up to `until`. */
function inSecondBefore(tickets: Ticket[], until: number, at: (t: Ticket) => number | undefined): number {
  return tickets.filter((t) => {
    const time = at(t);
    return time !== undefined && time <= until && until - time < 1000;
  }).length;
}

class Bucket {
  limit: number | undefined;
  /** The highest limit learned and not refused since (a lowered limit is raised up to it, never beyond). */
  private ceiling: number | undefined;
  private pausedUntil = 0;
  private nextAt = 0;
  private readonly queue: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Requests admitted in the last two seconds (for learning the limit: the workspace counts arrivals). */
  private readonly sent: Ticket[] = [];
  /** When the limit was last learned or raised. */
  private changedAt = 0;

  constructor(
    limit: number | undefined,
    private readonly clock: () => number,
  ) {
    this.limit = limit;
    this.ceiling = limit;
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
      const now = this.clock();
      this.raise(now);
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

  /** A limit below the ceiling is doubled (up to it) after PROBE_AFTER_MS without a 429. */
  private raise(now: number): void {
    const { limit, ceiling } = this;
    if (limit === undefined || ceiling === undefined || limit >= ceiling) return;
    if (now - this.changedAt < PROBE_AFTER_MS) return;
    this.limit = Math.min(ceiling, limit * 2);
    this.changedAt = now;
  }

  onSent(ticket: Ticket): void {
    this.sent.push(ticket);
    while (this.sent.length > 0 && ticket.sentAt - (this.sent[0] as Ticket).sentAt >= 2000) this.sent.shift();
  }

  /** The refused request was one too many: the limit is what was let through in the second before it. */
  onRateLimited(ticket: Ticket, at: number, retryAfterMs: number | undefined): void {
    ticket.refused = true;
    const through = this.sent.filter((t) => t.answeredAt !== undefined);
    const observed = Math.max(
      1,
      inSecondBefore(through, ticket.sentAt, (t) => t.sentAt),
      inSecondBefore(through, at, (t) => t.answeredAt),
    );
    this.limit = observed;
    const { ceiling } = this;
    if (ceiling === undefined) this.ceiling = observed;
    // Refused while paced at the ceiling: the workspace does not allow that rate (any more); it comes down a step.
    else if (ticket.rate !== undefined && ticket.rate >= ceiling)
      this.ceiling = Math.max(observed, ceiling - Math.max(1, Math.round(ceiling * CEILING_STEP)));
    else this.ceiling = Math.max(ceiling, observed);
    this.changedAt = at;
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

  constructor(
    initial: Partial<Record<RequestKind, number>> = {},
    /** Milliseconds now (a fake clock in tests; timers still run on the real one). */
    private readonly clock: () => number = Date.now,
  ) {
    for (const [kind, rate] of Object.entries(initial))
      if (rate !== undefined && !(rate > 0))
        throw new Error(`rate limit for ${kind} requests must be a positive number, got ${rate}`);
    this.buckets = { read: new Bucket(initial.read, clock), write: new Bucket(initial.write, clock) };
  }

  /** Waits until a request of this kind may be sent. */
  async acquire(kind: RequestKind): Promise<Ticket> {
    const bucket = this.buckets[kind];
    await bucket.acquire();
    const ticket: Ticket = { kind, limited: bucket.limit !== undefined, sentAt: this.clock() };
    if (bucket.limit !== undefined) ticket.rate = bucket.limit;
    bucket.onSent(ticket);
    return ticket;
  }

  /** The workspace answered (anything but a 429: it let the request through). */
  answered(ticket: Ticket, at = this.clock()): void {
    ticket.answeredAt = at;
  }

  /** The workspace answered 429 (with Retry-After in ms when it sent one). */
  refused(ticket: Ticket, retryAfterMs: number | undefined, at = this.clock()): void {
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
