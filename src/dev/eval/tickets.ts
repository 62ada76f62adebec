/**
 * The ticket eval: reads labelled tickets (one YAML file each, format in test/eval/tickets/README.md), runs an
 * interpreter on each against the jobs the ticket says exist, turns its answer into the Jobs API requests the
 * Worker would send, and grades them with INTERPRETATION.md §2 (src/dev/eval/grade.ts).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import type { WorkspaceJob } from "../../domain/model.js";
import { toApiRequests } from "../../techlead/interpreter/requests.js";
import type { InterpretContext, ProseInterpreter, TechLeadTools } from "../../techlead/types.js";
import { gradeAnswer, type EvalTicket, type LeafOutcome, type TicketKind } from "./grade.js";

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
  /** Tickets used while building the interpreter. */
  tuning: EvalSubset;
  /** Tickets never used while building it (directory `held-out/` or `held_out: true`). */
  heldOut: EvalSubset;
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

/** Reads and checks every ticket file under `dir`. */
export async function loadTickets(dir: string): Promise<EvalTicket[]> {
  const tickets: EvalTicket[] = [];
  const ids = new Set<string>();
  for (const file of await yamlFiles(dir)) {
    const rel = path.relative(dir, file);
    const data: unknown = parse(await readFile(file, "utf8"), { maxAliasCount: 50 });
    if (typeof data !== "object" || data === null || Array.isArray(data))
      fail(rel, "", data, "a ticket file must be a YAML mapping");
    const t = data as Record<string, unknown>;
    if (typeof t.id !== "string" || !t.id) fail(rel, "id", t.id, "give the ticket a unique string id");
    if (ids.has(t.id)) fail(rel, "id", t.id, "ids must be unique across the ticket set");
    ids.add(t.id);
    if (!KINDS.includes(t.kind as TicketKind)) fail(rel, "kind", t.kind, `use one of ${KINDS.join(", ")}`);
    if (typeof t.ticket !== "string" || !t.ticket.trim())
      fail(rel, "ticket", t.ticket, "write the ticket text as a string");
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
  return tickets;
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
  const tickets = await loadTickets(options.dir);
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
  return {
    ...all,
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
