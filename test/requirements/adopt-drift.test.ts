// Adopting drift into a requirement file: the workspace's values of the drifted fields are written into the job's
// block (job:, jobs.<key>, resources.jobs.<key>) and nothing else changes; each result is read back by the real
// requirement parser and compared, field by field, with what the workspace has.
import { describe, expect, it } from "vitest";
import { adoptDrift, parseFieldPath } from "../../src/techlead/requirements/adopt-drift.js";
import { interpretStructured, parseRequirement } from "../../src/techlead/requirements/index.js";
import type { JobSettings } from "../../src/domain/model.js";

function settingsOf(text: string, key: string): JobSettings {
  const { doc, diagnostics } = parseRequirement("jobs/x.md", text);
  if (!doc) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  const interpretation = interpretStructured(doc);
  const item = interpretation?.items.find((i) => i.key === key);
  if (!item?.settings) throw new Error(`no job ${key} in:\n${text}`);
  return item.settings;
}

const TWO_JOBS = `---
# team: finance
jobs:
  ledger:
    name: ledger-nightly
    tags: { "cost center": "cc-1", team: finance }
    tasks:
      - task_key: load # the loader
        notebook_task: { notebook_path: /Shared/load }
      - task_key: old
        notebook_task: { notebook_path: /Shared/old }
  report:
    name: ledger-report
    tasks:
      - task_key: render
        notebook_task: { notebook_path: /Shared/render }
---
Ledger jobs.
`;

describe("adoptDrift", () => {
  it("reads the plan's field paths", () => {
    expect(parseFieldPath("tasks[ingest].new_cluster.num_workers")).toEqual([
      { kind: "entry", array: "tasks", key: "ingest" },
      { kind: "field", name: "new_cluster" },
      { kind: "field", name: "num_workers" },
    ]);
    expect(parseFieldPath('tags["cost center"]')).toEqual([
      { kind: "field", name: "tags" },
      { kind: "field", name: "cost center" },
    ]);
    expect(parseFieldPath('parameters["a b"]')).toEqual([{ kind: "entry", array: "parameters", key: "a b" }]);
    expect(parseFieldPath("schedule..x[")).toBeUndefined();
  });

  it("jobs.<key>: changes, additions and removals land in that job's block only; comments and the other job stay", () => {
    const result = adoptDrift(
      TWO_JOBS,
      "ledger",
      [
        { path: 'tags["cost center"]', category: "other", workspace: "cc-2" },
        { path: "tasks[load].max_retries", category: "tasks", workspace: 3 },
        { path: "tasks[old]", category: "tasks" },
        {
          path: "tasks[extra]",
          category: "tasks",
          workspace: { task_key: "extra", notebook_task: { notebook_path: "/Shared/extra" } },
        },
        { path: "timeout_seconds", category: "other", workspace: 3600 },
      ],
      undefined,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.block).toBe("jobs.ledger");
    expect(result.text).toContain("# team: finance");
    expect(result.text).toContain("- task_key: load # the loader");
    expect(result.text.endsWith("---\nLedger jobs.\n")).toBe(true);
    const ledger = settingsOf(result.text, "ledger");
    expect(ledger.tags).toEqual({ "cost center": "cc-2", team: "finance" });
    expect(ledger.timeout_seconds).toBe(3600);
    expect(ledger.tasks?.map((t) => [t.task_key, t.max_retries])).toEqual([
      ["load", 3],
      ["extra", undefined],
    ]);
    expect(settingsOf(result.text, "report")).toEqual(settingsOf(TWO_JOBS, "report"));
  });

  it("bundle form: grants are adopted as bundle `permissions` (level + principal), the owner entry kept", () => {
    const bundle = `---
resources:
  jobs:
    etl:
      name: etl
      permissions:
        - level: IS_OWNER
          service_principal_name: sp-deployer
        - level: CAN_VIEW
          group_name: analysts
        - level: CAN_MANAGE_RUN
          group_name: data-eng
      tasks:
        - task_key: a
          notebook_task: { notebook_path: /Shared/a }
---
`;
    const result = adoptDrift(
      bundle,
      "etl",
      [{ path: "access_control_list", category: "permissions", workspace: ["data-eng: CAN_MANAGE"] }],
      [
        { group_name: "data-eng", permission_level: "CAN_MANAGE" },
        { user_name: "ana@example.com", permission_level: "CAN_VIEW" },
      ],
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.block).toBe("resources.jobs.etl");
    expect(settingsOf(result.text, "etl").access_control_list).toEqual([
      { service_principal_name: "sp-deployer", permission_level: "IS_OWNER" },
      { group_name: "data-eng", permission_level: "CAN_MANAGE" },
      { user_name: "ana@example.com", permission_level: "CAN_VIEW" },
    ]);
    expect(result.text).toContain("- level: CAN_MANAGE\n          group_name: data-eng");
  });

  it("prose requirements are refused with the reason (no block to edit)", () => {
    const prose = adoptDrift(
      "# Orders\n\nRun the orders notebook every day at 6.\n",
      "orders",
      [],
      undefined,
    );
    expect(prose).toEqual({
      ok: false,
      reason: expect.stringContaining("the requirement is prose") as unknown as string,
    });
    const docOnly = adoptDrift("---\ntitle: Orders\n---\nEvery day at 6.\n", "orders", [], undefined);
    expect(docOnly.ok).toBe(false);
  });

  it("a path the block does not hold in the plan's shape is refused, not guessed", () => {
    const result = adoptDrift(
      TWO_JOBS,
      "ledger",
      [{ path: "tasks[missing].max_retries", category: "tasks", workspace: 1 }],
      undefined,
    );
    expect(result).toEqual({
      ok: false,
      reason: 'tasks[missing].max_retries: no tasks entry "missing" in jobs.ledger',
    });
  });

  it("CRLF files keep their line endings", () => {
    const crlf = "---\r\njob:\r\n  name: a\r\n  max_concurrent_runs: 1\r\n---\r\nBody.\r\n";
    const result = adoptDrift(
      crlf,
      "a",
      [{ path: "max_concurrent_runs", category: "other", workspace: 4 }],
      undefined,
    );
    expect(result.ok && result.text).toBe(
      "---\r\njob:\r\n  name: a\r\n  max_concurrent_runs: 4\r\n---\r\nBody.\r\n",
    );
  });
});
