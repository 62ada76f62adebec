/**
 * Precision by construction (issue #15): every requirement-like word is accounted for by a field's provenance or a
 * value the answer sends; leftovers block with a question quoting them; explicit names and keys are used verbatim.
 * The tickets here are written for this test (neither the development nor the sealed set).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { WorkItem, WorkspaceJob } from "../../src/domain/model.js";
import { loadTickets, ticketTools } from "../../src/dev/eval/tickets.js";
import { createOfflineInterpreter, toApiRequests } from "../../src/techlead/interpreter/index.js";
import { requirementTokens, unaccountedWords } from "../../src/techlead/interpreter/accounting.js";
import { toProse } from "../../src/techlead/interpreter/text.js";

const interpreter = createOfflineInterpreter();

async function read(body: string, jobs: WorkspaceJob[] = []) {
  const interp = await interpreter.interpret(
    { file: "jobs/req-file.md", text: body, frontMatter: {}, body, bodyLine: 1 },
    { existingJobs: jobs, tools: ticketTools(jobs) },
  );
  return { interp, ...toApiRequests(interp, jobs) };
}

describe("unaccounted words block the answer", () => {
  it.each([
    ['Job "inv-agg" runs /Repos/inv/agg daily at 6am. Use the large cluster.', "cluster"],
    ['Job "inv-agg" runs /Repos/inv/agg daily at 6am except in August.', "except"],
    ['Job "inv-agg" runs /Repos/inv/agg daily at 6am. Page the on-call through PagerDuty.', "pagerduty"],
    ['Job "inv-agg" runs /Repos/inv/agg daily at 6am IST.', "IST"],
    ['Job "inv-agg" runs /Repos/inv/agg every other Friday at 6am.', "every other"],
  ])("%s → asks about %s", async (ticket, word) => {
    const { requests, questions } = await read(ticket);
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toContain(`"${word}"`);
  });

  it("a field whose provenance is missing leaves its words unaccounted", async () => {
    const ticket = 'Job "inv-agg" runs /Repos/inv/agg daily at 6am. Email inv-team@acme.com on failure.';
    const { interp, requests } = await read(ticket);
    expect(requests).toHaveLength(1);
    const prose = toProse(ticket, 1);
    expect(unaccountedWords(prose, interp.items)).toEqual([]);
    // Drop the recipient from the answer and from the provenance: the address is reported as left over.
    const item: WorkItem = structuredClone(interp.items[0]);
    delete item.settings!.email_notifications;
    item.explanation = item.explanation!.filter((e) => !e.field.startsWith("email_notifications"));
    const left = unaccountedWords(prose, [item]);
    expect(left.map((l) => l.line)).toEqual([1]);
    expect(left[0].tokens).toEqual(expect.arrayContaining(["inv-team@acme.com", "email", "failure"]));
  });

  it("quotes a left-over word with the file line it is on, also inside a sentence wrapped over lines", async () => {
    const ticket = 'Job "inv-agg" runs /Repos/inv/agg daily at 6am and\nshould use the large cluster please.';
    const { requests, questions } = await read(ticket);
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/"cluster" \(line 2\)/);
  });

  it("an answer that renames what the ticket marked verbatim is reported", async () => {
    const ticket = "**Ops KPI Board** — notebook /Repos/ops/kpi/board_v2, daily at 7am.";
    const { interp } = await read(ticket);
    const item: WorkItem = structuredClone(interp.items[0]);
    item.settings!.name = "ops_kpi_board";
    item.explanation = item.explanation!.filter((e) => e.field !== "name");
    expect(unaccountedWords(toProse(ticket, 1), [item])[0].tokens).toContain("Ops KPI Board");
  });

  it("finds numbers, ids, paths, zones and marked spans, but not list markers", () => {
    const kinds = requirementTokens(
      "1. `load_v2` runs /Repos/a/load at 7:30 Europe/Lisbon for job 4411, owner **Data Ops**, id 0f3c9a7e-5d2b-4c1a-8e6f-9a0b1c2d3e4f",
    ).map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        "marked:load_v2",
        "marked:Data Ops",
        "path:/Repos/a/load",
        "number:7:30",
        "zone:Europe/Lisbon",
        "number:4411",
        "id:0f3c9a7e-5d2b-4c1a-8e6f-9a0b1c2d3e4f",
      ]),
    );
    expect(kinds).not.toContain("number:1");
  });
});

describe("explicit beats derived", () => {
  it("bold job names, backticked task keys and quoted names are used verbatim", async () => {
    const bold = await read("**Ops KPI Board** — notebook /Repos/ops/kpi/board_v2, daily at 7am.");
    expect(bold.requests[0].body.name).toBe("Ops KPI Board");
    const key = await read(
      'Job "Ops.KPI-Board_2": one task `refresh_v2` running /Repos/ops/kpi/refresh, hourly.',
    );
    expect(key.requests[0].body.name).toBe("Ops.KPI-Board_2");
    expect((key.requests[0].body.tasks as Array<{ task_key: string }>).map((t) => t.task_key)).toEqual([
      "refresh_v2",
    ]);
  });

  it("IANA ids, zone-database cities and abbreviations become the schedule's zone", async () => {
    for (const [words, zone] of [
      ["7am America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"],
      ["7am Madrid time", "Europe/Madrid"],
      ["7am PT", "America/Los_Angeles"],
      ["7am MST", "America/Denver"],
    ]) {
      const { requests, questions } = await read(`Job "z-check" runs /Repos/z/check daily at ${words}.`);
      expect(questions).toEqual([]);
      expect((requests[0].body.schedule as { timezone_id: string }).timezone_id).toBe(zone);
    }
  });
});

describe("provenance", () => {
  it("every field of every answered development ticket records the words it came from", async () => {
    const tickets = await loadTickets(path.resolve(import.meta.dirname, "../eval/tickets"));
    const missing: string[] = [];
    for (const t of tickets.filter((x) => x.kind === "create" && !x.expect.needs_clarification)) {
      const { interp, requests } = await read(t.ticket, t.existing_jobs ?? []);
      if (!requests.length) continue;
      const fields = (interp.items[0].explanation ?? []).map((e) => e.field);
      for (const key of Object.keys(requests[0].body)) {
        const covered = fields.some((f) =>
          key === "job_clusters"
            ? f.startsWith("new_cluster") || f.startsWith("job_clusters")
            : f === key || f.startsWith(`${key}.`) || f.startsWith(`${key}[`),
        );
        if (!covered) missing.push(`${t.id}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
