/**
 * The eval grader: compares a tool's answer (the Jobs API requests it would send, or its questions) with a labelled
 * expectation, implementing the matching rules of INTERPRETATION.md §2 exactly. Pure: no I/O.
 *
 * Deliberately independent of the interpreter and planner code (its own update-application and Quartz
 * normalisation), so a bug in those cannot make a wrong answer grade as right.
 */
import { normalizeQuartz } from "../../domain/quartz.js";
import type { ApiRequest, JobSettings, JsonObject, WorkspaceJob } from "../../domain/model.js";
import { isObject } from "../../domain/json.js";

export type TicketKind = "create" | "update" | "delete" | "run";

export interface EvalTicket {
  id: string;
  kind: TicketKind;
  ticket: string;
  existing_jobs?: WorkspaceJob[];
  expect: JsonObject;
  expect_absent?: string[];
  /** True for the held-out subset (never used while tuning the interpreter). */
  heldOut?: boolean;
  /** Where the ticket was read from. */
  file?: string;
}

export interface ToolAnswer {
  requests: ApiRequest[];
  questions: string[];
}

/** One compared leaf: a scalar, a whole set/ordered array, or an "absent" expectation. */
export interface LeafOutcome {
  path: string;
  /** ok: matches; missing: expected but not produced; wrong: produced with another value; extra: produced but must not be. */
  status: "ok" | "missing" | "wrong" | "extra";
  message?: string;
}

export interface GradeResult {
  pass: boolean;
  reasons: string[];
  leaves: LeafOutcome[];
}

const ENDPOINTS: Record<TicketKind, ApiRequest["endpoint"][]> = {
  create: ["jobs/create"],
  update: ["jobs/update", "jobs/reset"],
  delete: ["jobs/delete"],
  run: ["jobs/run-now"],
};

/** Keyed arrays: field name → key property. */
const KEYED_ARRAYS: Record<string, string> = {
  tasks: "task_key",
  job_clusters: "job_cluster_key",
  parameters: "name",
  environments: "environment_key",
};

// ---------------------------------------------------------------------------------------------------------------
// Entry point

export function gradeAnswer(ticket: EvalTicket, answer: ToolAnswer): GradeResult {
  const expect = ticket.expect;
  if (expect.needs_clarification === true) {
    const reasons: string[] = [];
    if (answer.requests.length > 0) {
      reasons.push(
        `expected a question, got ${answer.requests.length} request(s): ${answer.requests.map((r) => r.endpoint).join(", ")}`,
      );
    }
    if (answer.questions.length === 0) reasons.push("expected a question back to the requester, got none");
    const pass = reasons.length === 0;
    return {
      pass,
      reasons,
      leaves: [{ path: "needs_clarification", status: pass ? "ok" : "wrong", message: reasons[0] }],
    };
  }

  const expectedLeafCount = countLeaves(expect, ticket.expect_absent ?? []);
  const failAll = (reason: string): GradeResult => ({
    pass: false,
    reasons: [reason],
    leaves: Array.from({ length: expectedLeafCount }, (_, i) => ({
      path: `#${i}`,
      status: "missing" as const,
      message: reason,
    })),
  });

  if (answer.requests.length === 0) {
    return failAll(
      `expected a ${ENDPOINTS[ticket.kind].join(" or ")} request; the tool asked instead: ${answer.questions.join(" | ") || "(nothing)"}`,
    );
  }
  if (answer.requests.length > 1) {
    return failAll(
      `expected exactly one request, got ${answer.requests.length}: ${answer.requests.map((r) => r.endpoint).join(", ")}`,
    );
  }
  const request = answer.requests[0];
  if (!ENDPOINTS[ticket.kind].includes(request.endpoint)) {
    return failAll(`expected endpoint ${ENDPOINTS[ticket.kind].join(" or ")}, got ${request.endpoint}`);
  }

  const m = new Matcher();
  const existing = findExisting(ticket, request.body.job_id);
  switch (ticket.kind) {
    case "create":
      m.matchObject(expect, request.body, "", { root: request.body });
      break;
    case "delete":
      m.matchObject(expect, request.body, "", { root: request.body });
      break;
    case "run": {
      const defaults = new Map<string, unknown>();
      for (const p of asArray(existing?.settings.parameters)) {
        if (isObject(p) && typeof p.name === "string") defaults.set(p.name, p.default);
      }
      m.matchObject(expect, request.body, "", { root: request.body, runDefaults: defaults });
      break;
    }
    case "update": {
      const { job_id: expectedJobId, ...rest } = expect;
      if (expectedJobId !== undefined) m.scalar("job_id", expectedJobId, request.body.job_id);
      if (!existing) {
        m.fail(
          "job_id",
          "wrong",
          `request job_id ${JSON.stringify(request.body.job_id)} is not one of the ticket's existing jobs`,
        );
        break;
      }
      let after: JobSettings;
      try {
        after = applyRequestToSettings(existing.settings, request);
      } catch (error) {
        m.fail("", "wrong", (error as Error).message);
        break;
      }
      m.matchObject(rest, after, "", { root: after });
      checkAbsent(m, ticket.expect_absent ?? [], after);
      return m.result();
    }
  }
  checkAbsent(m, ticket.expect_absent ?? [], request.body);
  return m.result();
}

function findExisting(ticket: EvalTicket, jobId: unknown): WorkspaceJob | undefined {
  return (ticket.existing_jobs ?? []).find((j) => j.job_id === jobId);
}

// ---------------------------------------------------------------------------------------------------------------
// Applying an update / reset exactly as INTERPRETATION.md §1 documents it

export function applyRequestToSettings(settings: JobSettings, request: ApiRequest): JobSettings {
  const body = request.body;
  if (!isObject(body.new_settings) && request.endpoint === "jobs/reset") {
    throw new Error("jobs/reset body has no new_settings object");
  }
  const newSettings = (isObject(body.new_settings) ? body.new_settings : {}) as JobSettings;
  if (request.endpoint === "jobs/reset") return structuredClone(newSettings);
  const result: JsonObject = structuredClone(settings);
  for (const [field, value] of Object.entries(newSettings)) {
    const keyName = field === "tasks" || field === "job_clusters" ? KEYED_ARRAYS[field] : undefined;
    if (keyName && Array.isArray(value)) {
      const merged = asArray(result[field]).slice();
      for (const entry of value) {
        const key = isObject(entry) ? entry[keyName] : undefined;
        const at = merged.findIndex((e) => isObject(e) && e[keyName] === key);
        if (at >= 0) merged[at] = structuredClone(entry);
        else merged.push(structuredClone(entry));
      }
      result[field] = merged;
    } else {
      result[field] = structuredClone(value);
    }
  }
  const remove = body.fields_to_remove;
  if (remove !== undefined && !Array.isArray(remove)) throw new Error("fields_to_remove must be an array");
  for (const entry of asArray(remove)) {
    if (typeof entry !== "string")
      throw new Error(`fields_to_remove entry ${JSON.stringify(entry)} is not a string`);
    const slash = entry.indexOf("/");
    if (slash < 0) {
      delete result[entry];
      continue;
    }
    const field = entry.slice(0, slash);
    const key = entry.slice(slash + 1);
    const keyName = KEYED_ARRAYS[field];
    if (!keyName || (field !== "tasks" && field !== "job_clusters")) {
      throw new Error(
        `fields_to_remove entry "${entry}": only tasks/<key> and job_clusters/<key> can be removed by key`,
      );
    }
    result[field] = asArray(result[field]).filter((e) => !(isObject(e) && e[keyName] === key));
  }
  return result as JobSettings;
}

// ---------------------------------------------------------------------------------------------------------------
// The matcher

interface MatchContext {
  root: JsonObject;
  /** run-now: the job's parameter defaults (extra job_parameters keys must equal them). */
  runDefaults?: Map<string, unknown>;
}

/** Arrays compared as exact sets, by the last path segment (paths without keyed-array indices). */
function isSetArray(path: string): boolean {
  const p = stripKeys(path);
  if (p.endsWith("depends_on") || p.endsWith("libraries") || p === "only") return true;
  if (p === "health.rules" || p.endsWith(".health.rules") || p === "trigger.table_update.table_names")
    return true;
  if (/(^|\.)email_notifications\.[a-z_]+$/.test(p) || /(^|\.)webhook_notifications\.[a-z_]+$/.test(p))
    return true;
  return false;
}

function stripKeys(path: string): string {
  return path.replace(/\[[^\]]*\]/g, "");
}

class Matcher {
  readonly leaves: LeafOutcome[] = [];

  fail(path: string, status: LeafOutcome["status"], message: string): void {
    this.leaves.push({ path, status, message });
  }

  ok(path: string): void {
    this.leaves.push({ path, status: "ok" });
  }

  result(): GradeResult {
    const reasons = this.leaves
      .filter((l) => l.status !== "ok")
      .map((l) => `${l.path || "(root)"}: ${l.message ?? l.status}`);
    return { pass: reasons.length === 0, reasons, leaves: this.leaves };
  }

  matchObject(expected: JsonObject, actual: unknown, path: string, ctx: MatchContext): void {
    const actualObj = isObject(actual) ? actual : {};
    for (const [key, exp] of Object.entries(expected)) {
      const p = path ? `${path}.${key}` : key;
      this.matchValue(exp, actualObj[key], p, key, ctx);
    }
    // run-now job_parameters: extra keys must equal the job's current default.
    if (path === "job_parameters" && ctx.runDefaults && isObject(actual)) {
      for (const [key, value] of Object.entries(actual)) {
        if (key in expected) continue;
        const def = ctx.runDefaults.get(key);
        if (def === undefined || String(def) !== value) {
          this.fail(
            `${path}.${key}`,
            "extra",
            `sets ${JSON.stringify(value)}, which the ticket did not ask for (the job's default is ${JSON.stringify(def)})`,
          );
        }
      }
    }
  }

  matchValue(exp: unknown, act: unknown, path: string, key: string, ctx: MatchContext): void {
    if (isAbsent(exp, key)) {
      if (path === "job_parameters" && ctx.runDefaults && isObject(act)) {
        this.matchObject({}, act, path, ctx);
        return;
      }
      if (isAbsent(act, key) || isDefault(path, act, ctx)) this.ok(path);
      else this.fail(path, "extra", `expected absent, found ${JSON.stringify(act)}`);
      return;
    }
    if (isAbsent(act, key)) {
      if (isDefault(path, exp, ctx)) this.ok(path);
      else this.fail(path, "missing", `expected ${JSON.stringify(exp)}, found nothing`);
      return;
    }
    const keyName = KEYED_ARRAYS[key];
    if (keyName && Array.isArray(exp) && path === key) {
      this.matchKeyedArray(exp, act, path, key, keyName, ctx);
      return;
    }
    if (Array.isArray(exp)) {
      if (!Array.isArray(act)) {
        this.fail(path, "wrong", `expected a list ${JSON.stringify(exp)}, found ${JSON.stringify(act)}`);
        return;
      }
      if (isSetArray(path)) this.matchSet(exp, act, path, ctx);
      else this.matchOrdered(exp, act, path, ctx);
      return;
    }
    if (isObject(exp)) {
      if (!isObject(act)) {
        this.fail(path, "wrong", `expected an object, found ${JSON.stringify(act)}`);
        return;
      }
      if (key === "condition_task" && this.conditionSwapped(exp, act)) {
        this.ok(path);
        return;
      }
      this.matchObject(exp, act, path, ctx);
      return;
    }
    this.scalar(path, exp, act);
  }

  scalar(path: string, exp: unknown, act: unknown): void {
    if (scalarEqual(path, exp, act)) this.ok(path);
    else
      this.fail(
        path,
        act === undefined ? "missing" : "wrong",
        `expected ${JSON.stringify(exp)}, found ${JSON.stringify(act)}`,
      );
  }

  private conditionSwapped(exp: JsonObject, act: JsonObject): boolean {
    if (exp.op !== act.op || (exp.op !== "EQUAL_TO" && exp.op !== "NOT_EQUAL")) return false;
    return exp.left === act.right && exp.right === act.left;
  }

  private matchKeyedArray(
    exp: unknown[],
    act: unknown,
    path: string,
    field: string,
    keyName: string,
    ctx: MatchContext,
  ): void {
    const produced = asArray(act).filter(isObject);
    const claimed = new Set<JsonObject>();
    const unkeyed: JsonObject[] = [];
    for (const entry of exp) {
      if (!isObject(entry)) continue;
      const key = entry[keyName];
      if (key === undefined) {
        unkeyed.push(entry);
        continue;
      }
      const match = produced.find((p) => p[keyName] === key);
      const p = `${path}[${String(key)}]`;
      if (!match) {
        this.fail(
          p,
          "missing",
          `no ${field} entry with ${keyName} ${JSON.stringify(key)} (found ${produced.map((x) => JSON.stringify(x[keyName])).join(", ") || "none"})`,
        );
        continue;
      }
      claimed.add(match);
      this.matchObject(entry, match, p, ctx);
    }
    for (const entry of unkeyed) {
      const candidates = produced.filter((p) => !claimed.has(p));
      const fits = candidates.find((c) => {
        const trial = new Matcher();
        trial.matchObject(entry, c, path, ctx);
        return trial.result().pass;
      });
      if (fits) {
        claimed.add(fits);
        this.matchObject(entry, fits, `${path}[${String(fits[keyName])}]`, ctx);
      } else if (candidates.length > 0) {
        // Report the closest candidate's differences.
        const best = candidates[0];
        this.matchObject(entry, best, `${path}[${String(best[keyName])}]`, ctx);
        claimed.add(best);
      } else {
        this.fail(`${path}[?]`, "missing", `no produced ${field} entry matches ${JSON.stringify(entry)}`);
      }
    }
    if (field === "tasks") {
      for (const p of produced) {
        if (!claimed.has(p))
          this.fail(
            `${path}[${String(p[keyName])}]`,
            "extra",
            "task not asked for (the set of task_keys must equal the expected set)",
          );
      }
    }
  }

  private matchSet(exp: unknown[], act: unknown[], path: string, ctx: MatchContext): void {
    const remaining = act.slice();
    const missing: unknown[] = [];
    for (const e of exp) {
      const idx = remaining.findIndex((a) => {
        const trial = new Matcher();
        trial.matchValue(e, a, path + "[]", "", ctx);
        return trial.result().pass;
      });
      if (idx >= 0) remaining.splice(idx, 1);
      else missing.push(e);
    }
    if (missing.length === 0 && remaining.length === 0) this.ok(path);
    else
      this.fail(
        path,
        "wrong",
        `expected exactly ${JSON.stringify(exp)} (any order), found ${JSON.stringify(act)}` +
          (missing.length ? `; missing ${JSON.stringify(missing)}` : "") +
          (remaining.length ? `; extra ${JSON.stringify(remaining)}` : ""),
      );
  }

  private matchOrdered(exp: unknown[], act: unknown[], path: string, ctx: MatchContext): void {
    const same =
      exp.length === act.length &&
      exp.every((e, i) => {
        const trial = new Matcher();
        trial.matchValue(e, act[i], `${path}[${i}]`, "", ctx);
        return trial.result().pass;
      });
    if (same) this.ok(path);
    else
      this.fail(path, "wrong", `expected ${JSON.stringify(exp)} in this order, found ${JSON.stringify(act)}`);
  }
}

function scalarEqual(path: string, exp: unknown, act: unknown): boolean {
  const last = stripKeys(path).split(".").pop() ?? "";
  if (last === "git_provider" && typeof exp === "string" && typeof act === "string")
    return exp.toLowerCase() === act.toLowerCase();
  if (last === "quartz_cron_expression" && typeof exp === "string" && typeof act === "string") {
    return normalizeQuartz(exp) === normalizeQuartz(act);
  }
  if (typeof exp === "number" && typeof act === "number") return exp === act;
  return exp === act;
}

/** A missing, null, [] or {} value; timeout_seconds 0 counts as absent too. */
export function isAbsent(value: unknown, key = ""): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.keys(value).length === 0;
  if (key === "timeout_seconds" && value === 0) return true;
  return false;
}

/** Documented API defaults: absent equals the default (INTERPRETATION.md §2). */
function isDefault(path: string, value: unknown, ctx: MatchContext): boolean {
  const p = stripKeys(path);
  const last = p.split(".").pop() ?? "";
  if (last === "full_refresh" || last === "retry_on_timeout") return value === false;
  if (last === "pause_status") return value === "UNPAUSED";
  if (p === "max_concurrent_runs") return value === 1;
  if (/^tasks\.notebook_task\.source$/.test(p)) {
    return value === (isAbsent(ctx.root.git_source) ? "WORKSPACE" : "GIT");
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// expect_absent

/** Parses `tasks[load_gold].existing_cluster_id` into segments. */
export function parseAbsentPath(path: string): Array<{ field: string; key?: string }> {
  const segments: Array<{ field: string; key?: string }> = [];
  const re = /([^.[\]]+)(?:\[([^\]]+)\])?/g;
  for (const m of path.matchAll(re))
    segments.push(m[2] === undefined ? { field: m[1] } : { field: m[1], key: m[2] });
  return segments;
}

function checkAbsent(m: Matcher, paths: string[], root: JsonObject): void {
  for (const path of paths) {
    let node: unknown = root;
    let found = true;
    for (const seg of parseAbsentPath(path)) {
      if (!isObject(node)) {
        found = false;
        break;
      }
      node = node[seg.field];
      if (seg.key !== undefined) {
        const keyName = KEYED_ARRAYS[seg.field] ?? "key";
        node = asArray(node).find((e) => isObject(e) && e[keyName] === seg.key);
      }
      if (node === undefined) {
        found = false;
        break;
      }
    }
    const last = parseAbsentPath(path).pop();
    if (!found || isAbsent(node, last?.field ?? "") || isDefault(path, node, { root }))
      m.ok(`absent:${path}`);
    else m.fail(`absent:${path}`, "extra", `must be absent, found ${JSON.stringify(node)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Field counting (for recall when a whole answer is missing)

function countLeaves(expect: JsonObject, absent: string[]): number {
  let n = absent.length;
  const walk = (v: unknown, key: string, path: string): void => {
    if (isAbsent(v, key) || !isObject(v)) {
      n++;
      return;
    }
    for (const [k, child] of Object.entries(v)) {
      const p = path ? `${path}.${k}` : k;
      if (Array.isArray(child) && KEYED_ARRAYS[k] && p === k) {
        for (const entry of child) if (isObject(entry)) walk(entry, "", p);
        if (child.length === 0) n++;
      } else if (Array.isArray(child)) n++;
      else walk(child, k, p);
    }
  };
  walk(expect, "", "");
  return n;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
