/**
 * The ticket eval: reads labelled tickets (one YAML file each, format in test/eval/tickets/README.md), runs an
 * interpreter on each against the jobs the ticket says exist, turns its answer into the Jobs API requests the
 * Worker would send, and grades them with INTERPRETATION.md §2 (src/dev/eval/grade.ts).
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import type { WorkspaceJob } from "../../domain/model.js";
import { toApiRequests } from "../../techlead/interpreter/requests.js";
import type { InterpretContext, ProseInterpreter, TechLeadTools } from "../../techlead/types.js";
import { isObject } from "../../domain/json.js";
import type { JsonObject } from "../../domain/model.js";
import { gradeAnswer, parseAbsentPath, type EvalTicket, type LeafOutcome, type TicketKind } from "./grade.js";

export interface KindScore {
  total: number;
  passed: number;
}

export interface FieldScore {
  /** Correct leaves / (correct + wrongly produced leaves). */
  precision: number;
  /** Correct leaves / expected leaves. */
  recall: number;
}

/** What the tool did with one ticket: the right request, a question, or a wrong answer (INTERPRETATION.md §2). */
export type Outcome = "exact" | "asked" | "wrong";

export interface OutcomeRow {
  exact: number;
  asked: number;
  wrong: number;
}

/**
 * The figures issue #15 asks for: per kind (create, update, delete, run, and "question" for tickets whose right
 * answer is a question) how many were exact / asked / wrong; precision = exact / every answer given (a request
 * for a ticket that needs a question is a wrong answer); answered = share of answerable tickets given a request.
 */
export interface OutcomeTable {
  byKind: Record<string, OutcomeRow>;
  precision: number;
  answered: number;
  /** Tickets that need a question and got one / all such tickets. */
  askedWhenNeeded: number;
}

export interface EvalSubset {
  total: number;
  passed: number;
  outcomes: OutcomeTable;
  failed: Array<{ id: string; reasons: string[] }>;
  byKind: Record<string, KindScore>;
  fields: FieldScore;
}

export interface EvalReport extends EvalSubset {
  /** Tickets not run because the corpus job they take their expectation from is not on this machine. */
  skipped: Array<{ id: string; reason: string }>;
  /** Tickets used while building the interpreter. */
  tuning: EvalSubset;
  /** Tickets never used while building it (directory `held-out/` or `held_out: true`). */
  heldOut: EvalSubset;
  /** The same figures per top-level directory of the set (tuning/, held-out/, batch-2/, …). */
  parts: Record<string, EvalSubset>;
}

const KINDS: TicketKind[] = ["create", "update", "delete", "run"];

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith(".")) out.push(...(await yamlFiles(full)));
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

function fail(file: string, field: string, value: unknown, fix: string): never {
  throw new Error(`${file}: field "${field}" has ${JSON.stringify(value)}; ${fix}`);
}

/**
 * The real-jobs corpus (shared/corpus/real-jobs, next to the repository checkout): JOBAGENT_CORPUS_DIR, else the
 * first `shared/corpus/real-jobs` found walking up from the ticket directory. Undefined when there is none.
 */
export function findCorpusDir(from: string): string | undefined {
  const env = process.env.JOBAGENT_CORPUS_DIR;
  if (env) return existsSync(env) ? env : undefined;
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "shared", "corpus", "real-jobs");
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Removes one `tasks[key].field.sub` path (keyed segments as in expect_absent) from a settings copy. */
function omitPath(root: JsonObject, dotted: string): boolean {
  const segs = parseAbsentPath(dotted);
  let node: unknown = root;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    if (!isObject(node)) return false;
    const last = i === segs.length - 1;
    if (seg.key === undefined) {
      if (last) {
        if (!(seg.field in node)) return false;
        delete node[seg.field];
        return true;
      }
      node = node[seg.field];
      continue;
    }
    const list = node[seg.field];
    if (!Array.isArray(list)) return false;
    const keyName =
      { tasks: "task_key", job_clusters: "job_cluster_key", parameters: "name" }[seg.field] ?? "key";
    const index = list.findIndex((e) => isObject(e) && e[keyName] === seg.key);
    if (index < 0) return false;
    if (last) {
      list.splice(index, 1);
      return true;
    }
    node = list[index];
  }
  return false;
}

/** Deep merge of plain objects (`over` wins; arrays and scalars replace). */
function mergeInto(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? mergeInto(b, v) : v;
  }
  return out;
}

/**
 * A ticket describing a corpus job in prose takes its expectation from that job, read at load time (the corpus is
 * never copied into the repository): `corpus: {file, keys, omit}` picks the top-level `keys` of the job's
 * settings, drops the `omit` paths (details the prose does not state), and `expect` (optional) is merged on top.
 */
async function corpusExpectation(
  rel: string,
  spec: unknown,
  corpusDir: string,
  ownExpect: unknown,
): Promise<JsonObject> {
  if (!isObject(spec) || typeof spec.file !== "string")
    fail(rel, "corpus.file", isObject(spec) ? spec.file : spec, "name the corpus job file, e.g. 014-….json");
  const keys = spec.keys;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string"))
    fail(rel, "corpus.keys", keys, "list the top-level settings fields the ticket describes");
  const omit = spec.omit ?? [];
  if (!Array.isArray(omit) || !omit.every((k) => typeof k === "string"))
    fail(rel, "corpus.omit", omit, "omit must be a list of dotted paths (tasks[key].field)");
  const file = path.join(corpusDir, spec.file);
  if (!existsSync(file)) fail(rel, "corpus.file", spec.file, `no such job in ${corpusDir}`);
  const job = JSON.parse(await readFile(file, "utf8")) as { settings?: JsonObject };
  const settings = job.settings ?? {};
  const picked: JsonObject = {};
  for (const key of keys as string[]) {
    if (!(key in settings))
      fail(rel, "corpus.keys", key, `the corpus job ${spec.file} has no field "${key}"`);
    picked[key] = structuredClone(settings[key]);
  }
  for (const p of omit as string[])
    if (!omitPath(picked, p)) fail(rel, "corpus.omit", p, `the path is not in the picked settings`);
  return isObject(ownExpect) ? mergeInto(picked, ownExpect) : picked;
}

/** Reads and checks every ticket file under `dir`. */
export async function loadTickets(dir: string): Promise<EvalTicket[]> {
  return (await loadTicketSet(dir)).tickets;
}

/** Like loadTickets, and lists the corpus-based tickets skipped because the corpus is absent. */
export async function loadTicketSet(
  dir: string,
): Promise<{ tickets: EvalTicket[]; skipped: Array<{ id: string; reason: string }> }> {
  const tickets: EvalTicket[] = [];
  const skipped: Array<{ id: string; reason: string }> = [];
  const corpusDir = findCorpusDir(dir);
  const ids = new Set<string>();
  for (const file of await yamlFiles(dir)) {
    const rel = path.relative(dir, file);
    let data: unknown;
    try {
      data = parse(await readFile(file, "utf8"), { maxAliasCount: 50 });
    } catch (error) {
      throw new Error(`${rel}: not valid YAML: ${(error as Error).message.split("\n")[0]}`, { cause: error });
    }
    if (typeof data !== "object" || data === null || Array.isArray(data))
      fail(rel, "", data, "a ticket file must be a YAML mapping");
    const t = data as Record<string, unknown>;
    if (typeof t.id !== "string" || !t.id) fail(rel, "id", t.id, "give the ticket a unique string id");
    if (ids.has(t.id)) fail(rel, "id", t.id, "ids must be unique across the ticket set");
    ids.add(t.id);
    if (!KINDS.includes(t.kind as TicketKind)) fail(rel, "kind", t.kind, `use one of ${KINDS.join(", ")}`);
    if (typeof t.ticket !== "string" || !t.ticket.trim())
      fail(rel, "ticket", t.ticket, "write the ticket text as a string");
    if (t.corpus !== undefined) {
      if (!corpusDir) {
        skipped.push({
          id: t.id,
          reason: "the real-jobs corpus (shared/corpus/real-jobs) is not on this machine",
        });
        continue;
      }
      t.expect = await corpusExpectation(rel, t.corpus, corpusDir, t.expect);
    }
    if (typeof t.expect !== "object" || t.expect === null || Array.isArray(t.expect))
      fail(rel, "expect", t.expect, "expect must be a mapping (or {needs_clarification: true})");
    if (
      t.expect_absent !== undefined &&
      !(Array.isArray(t.expect_absent) && t.expect_absent.every((p) => typeof p === "string"))
    ) {
      fail(rel, "expect_absent", t.expect_absent, "expect_absent must be a list of dotted paths");
    }
    const jobs = t.existing_jobs ?? [];
    if (!Array.isArray(jobs))
      fail(rel, "existing_jobs", jobs, "existing_jobs must be a list of {job_id, settings}");
    jobs.forEach((j: unknown, i: number) => {
      const job = j as Record<string, unknown>;
      if (typeof job?.job_id !== "number")
        fail(rel, `existing_jobs[${i}].job_id`, job?.job_id, "give each existing job a numeric job_id");
      if (typeof job.settings !== "object" || job.settings === null)
        fail(
          rel,
          `existing_jobs[${i}].settings`,
          job.settings,
          "give each existing job its settings mapping",
        );
    });
    tickets.push({
      id: t.id,
      kind: t.kind as TicketKind,
      ticket: t.ticket,
      existing_jobs: jobs as WorkspaceJob[],
      expect: t.expect as Record<string, unknown>,
      expect_absent: (t.expect_absent as string[] | undefined) ?? [],
      heldOut: t.held_out === true || rel.split(path.sep).includes("held-out"),
      file: rel,
    });
  }
  return { tickets, skipped };
}

/** Tools answering from the ticket's own workspace view (its existing jobs plus a fixed runtime list). */
export function ticketTools(jobs: WorkspaceJob[]): TechLeadTools {
  return {
    searchDocs: () => [],
    listNodeTypes: async () => [
      { node_type_id: "i3.xlarge", memory_mb: 31232, num_cores: 4 },
      { node_type_id: "m5d.large", memory_mb: 8192, num_cores: 2 },
      { node_type_id: "Standard_DS3_v2", memory_mb: 14336, num_cores: 4 },
    ],
    listSparkVersions: async () => [
      { key: "13.3.x-scala2.12", name: "13.3 LTS (includes Apache Spark 3.4.1, Scala 2.12)" },
      { key: "14.3.x-scala2.12", name: "14.3 LTS (includes Apache Spark 3.5.0, Scala 2.12)" },
      { key: "15.4.x-scala2.12", name: "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)" },
      { key: "16.1.x-scala2.12", name: "16.1 (includes Apache Spark 3.5.0, Scala 2.12)" },
    ],
    listWarehouses: async () => [],
    findJobsByName: async (name) =>
      jobs.filter((j) => (j.settings.name ?? "").toLowerCase() === name.toLowerCase()),
    pathExists: async () => true,
  };
}

function emptySubset(): EvalSubset {
  return {
    total: 0,
    passed: 0,
    outcomes: { byKind: {}, precision: 1, answered: 1, askedWhenNeeded: 1 },
    failed: [],
    byKind: {},
    fields: { precision: 1, recall: 1 },
  };
}

type Row = { ticket: EvalTicket; pass: boolean; reasons: string[]; leaves: LeafOutcome[]; outcome: Outcome };

/** Classifies one graded answer: exact, asked (no request) or wrong (a request that does not match). */
export function outcomeOf(ticket: EvalTicket, pass: boolean, requests: number): Outcome {
  if (ticket.expect.needs_clarification === true) return pass ? "asked" : "wrong";
  if (pass) return "exact";
  return requests === 0 ? "asked" : "wrong";
}

function outcomeTable(rows: Row[]): OutcomeTable {
  const byKind: Record<string, OutcomeRow> = {};
  for (const r of rows) {
    const kind = r.ticket.expect.needs_clarification === true ? "question" : r.ticket.kind;
    byKind[kind] ??= { exact: 0, asked: 0, wrong: 0 };
    byKind[kind][r.outcome]++;
  }
  const sum = (f: (r: OutcomeRow) => number, kinds = KINDS as string[]) =>
    kinds.reduce((n, k) => n + (byKind[k] ? f(byKind[k]) : 0), 0);
  const exact = sum((r) => r.exact);
  const wrong = sum((r) => r.wrong, [...KINDS, "question"]);
  const answerable = sum((r) => r.exact + r.asked + r.wrong);
  const q = byKind.question;
  return {
    byKind,
    precision: exact + wrong ? exact / (exact + wrong) : 1,
    answered: answerable ? sum((r) => r.exact + r.wrong) / answerable : 1,
    askedWhenNeeded: q ? q.asked / (q.asked + q.wrong + q.exact) : 1,
  };
}

function summarize(rows: Row[]): EvalSubset {
  const s = emptySubset();
  s.outcomes = outcomeTable(rows);
  let ok = 0;
  let wrongProduced = 0;
  let expected = 0;
  for (const r of rows) {
    s.total++;
    const kind = r.ticket.expect.needs_clarification === true ? `${r.ticket.kind} (clarify)` : r.ticket.kind;
    s.byKind[kind] ??= { total: 0, passed: 0 };
    s.byKind[kind].total++;
    if (r.pass) {
      s.passed++;
      s.byKind[kind].passed++;
    } else s.failed.push({ id: r.ticket.id, reasons: r.reasons });
    for (const l of r.leaves) {
      if (l.status !== "extra") expected++;
      if (l.status === "ok") ok++;
      if (l.status === "wrong" || l.status === "extra") wrongProduced++;
    }
  }
  s.fields = {
    precision: ok + wrongProduced ? ok / (ok + wrongProduced) : 1,
    recall: expected ? ok / expected : 1,
  };
  return s;
}

export async function runTicketEval(options: {
  dir: string;
  interpreter: ProseInterpreter;
}): Promise<EvalReport> {
  const { tickets, skipped } = await loadTicketSet(options.dir);
  const rows: Row[] = [];
  for (const ticket of tickets) {
    const jobs = ticket.existing_jobs ?? [];
    const context: InterpretContext = { existingJobs: jobs, tools: ticketTools(jobs) };
    try {
      const interpretation = await options.interpreter.interpret(
        {
          file: `jobs/${ticket.id}.md`,
          text: ticket.ticket,
          frontMatter: {},
          body: ticket.ticket,
          bodyLine: 1,
        },
        context,
      );
      const answer = toApiRequests(interpretation, jobs);
      const graded = gradeAnswer(ticket, answer);
      rows.push({ ticket, ...graded, outcome: outcomeOf(ticket, graded.pass, answer.requests.length) });
    } catch (error) {
      rows.push({
        ticket,
        pass: false,
        reasons: [`the interpreter threw: ${(error as Error).message}`],
        leaves: [{ path: "", status: "missing" }],
        outcome: "wrong",
      });
    }
  }
  const all = summarize(rows);
  const parts: Record<string, EvalSubset> = {};
  const partOf = (r: Row) => (r.ticket.file ?? "").split(path.sep)[0].replace(/\.ya?ml$/, "");
  for (const name of [...new Set(rows.map(partOf))].sort())
    parts[name] = summarize(rows.filter((r) => partOf(r) === name));
  return {
    ...all,
    skipped,
    parts,
    tuning: summarize(rows.filter((r) => !r.ticket.heldOut)),
    heldOut: summarize(rows.filter((r) => r.ticket.heldOut)),
  };
}

/** The outcome table as text lines: one row per kind, then precision / answered / asked-when-needed. */
export function formatOutcomes(title: string, t: OutcomeTable): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `${title}`,
    `  ${"kind".padEnd(9)} ${"exact".padStart(5)} ${"asked".padStart(5)} ${"wrong".padStart(5)}  precision`,
  ];
  for (const kind of [...KINDS, "question"]) {
    const r = t.byKind[kind];
    if (!r) continue;
    const p =
      kind === "question" ? "" : r.exact + r.wrong ? (r.exact / (r.exact + r.wrong)).toFixed(3) : "n/a";
    lines.push(
      `  ${kind.padEnd(9)} ${String(r.exact).padStart(5)} ${String(r.asked).padStart(5)} ${String(r.wrong).padStart(5)}  ${p}`,
    );
  }
  lines.push(
    `  precision when answering ${t.precision.toFixed(3)}; answered ${pct(t.answered)} of answerable; asked on ${pct(t.askedWhenNeeded)} of tickets needing a question`,
  );
  return lines;
}
