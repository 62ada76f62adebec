/**
 * Fault injection for the local workspace: status answers (429 with Retry-After, 5xx), dropped connections (before or
 * after the write is committed) and delays, chosen by method/path, by count or by probability from a seeded RNG.
 */

export interface FaultRule {
  /** Which calls: method + path (e.g. { method: "POST", path: "/jobs/create" }); omitted = all. A string matches as a substring of the path. */
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
  /** Let this many matching calls through before the rule starts firing ("fail the Nth request": skip N-1, times 1). */
  skip?: number;
}

export interface ActiveFault {
  rule: FaultRule;
  /** Matching calls seen so far (to honour `skip`). */
  seen: number;
  /** Times this rule has fired. */
  fired: number;
}

/** mulberry32: small, fast, good-enough seeded PRNG for test determinism. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = new Set(["status", "drop", "drop-after-commit", "delay"]);

/** Checks a rule (from code or from `POST /__faults`) and returns a clean copy; throws a message naming the field. */
export function parseFaultRule(input: unknown): FaultRule {
  if (!input || typeof input !== "object" || Array.isArray(input)) {
    throw new Error(`fault rule must be a JSON object, got ${JSON.stringify(input)}`);
  }
  const raw = input as Record<string, unknown>;
  const kind = raw.kind;
  if (typeof kind !== "string" || !KINDS.has(kind)) {
    throw new Error(
      `fault rule field "kind" must be one of ${[...KINDS].join(", ")}; got ${JSON.stringify(kind)}`,
    );
  }
  const rule: FaultRule = { kind: kind as FaultRule["kind"] };
  if (raw.method !== undefined) {
    if (typeof raw.method !== "string")
      throw new Error(`fault rule field "method" must be a string, got ${JSON.stringify(raw.method)}`);
    rule.method = raw.method.toUpperCase();
  }
  if (raw.path !== undefined) {
    if (typeof raw.path === "string") rule.path = raw.path;
    else if (raw.path instanceof RegExp) rule.path = raw.path;
    else
      throw new Error(
        `fault rule field "path" must be a string (substring of the request path), got ${JSON.stringify(raw.path)}`,
      );
  }
  if (raw.pathRegex !== undefined) {
    if (typeof raw.pathRegex !== "string")
      throw new Error(`fault rule field "pathRegex" must be a string, got ${JSON.stringify(raw.pathRegex)}`);
    try {
      rule.path = new RegExp(raw.pathRegex);
    } catch (error) {
      throw new Error(
        `fault rule field "pathRegex" is not a valid regular expression: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  const numberField = (
    name: "status" | "retryAfterSeconds" | "delayMs" | "probability" | "times" | "skip",
    min: number,
    max: number,
  ): void => {
    const value = raw[name];
    if (value === undefined) return;
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
      throw new Error(
        `fault rule field "${name}" must be a number between ${min} and ${max}, got ${JSON.stringify(value)}`,
      );
    }
    rule[name] = value;
  };
  numberField("status", 100, 599);
  numberField("retryAfterSeconds", 0, 3600);
  numberField("delayMs", 0, 600_000);
  numberField("probability", 0, 1);
  numberField("times", 0, Number.MAX_SAFE_INTEGER);
  numberField("skip", 0, Number.MAX_SAFE_INTEGER);
  if (rule.kind === "status" && rule.status === undefined)
    throw new Error(`fault rule of kind "status" needs a "status" (e.g. 429, 500, 503)`);
  if (rule.kind === "delay" && rule.delayMs === undefined)
    throw new Error(`fault rule of kind "delay" needs "delayMs"`);
  return rule;
}

export class FaultSet {
  private faults: ActiveFault[] = [];
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  add(rule: FaultRule): void {
    this.faults.push({ rule: parseFaultRule(rule), seen: 0, fired: 0 });
  }

  clear(): void {
    this.faults = [];
  }

  list(): Array<FaultRule & { fired: number }> {
    return this.faults.map((f) => ({
      ...f.rule,
      path: f.rule.path instanceof RegExp ? f.rule.path.source : f.rule.path,
      fired: f.fired,
    }));
  }

  /** The fault (if any) that applies to this call; first matching rule wins. Exhausted count rules are dropped. */
  pick(method: string, path: string): FaultRule | undefined {
    for (const fault of this.faults) {
      const { rule } = fault;
      if (rule.method && rule.method !== method) continue;
      if (rule.path !== undefined) {
        const matches = typeof rule.path === "string" ? path.includes(rule.path) : rule.path.test(path);
        if (!matches) continue;
      }
      fault.seen += 1;
      if (rule.skip !== undefined && fault.seen <= rule.skip) continue;
      if (rule.times !== undefined && fault.fired >= rule.times) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      fault.fired += 1;
      return rule;
    }
    return undefined;
  }
}
