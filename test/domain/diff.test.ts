import { describe, expect, it } from "vitest";
import {
  applyUpdateRequest,
  computeUpdateRequest,
  diffJobSettings,
  isDestructiveChange,
  normalizeJobSettings,
  taskRenames,
  categorizePath,
} from "../../src/domain/plan.js";
import type { JobSettings, JsonObject } from "../../src/domain/model.js";
import { corpusPresent, loadCorpus, readBack, rng } from "./corpus.js";

const CREATOR = "jane.doe@example.com";
const OPTS = { creatorUserName: CREATOR };

const base: JobSettings = {
  name: "orders",
  schedule: { quartz_cron_expression: "0 0 6 ? * MON-FRI", timezone_id: "Europe/Berlin" },
  email_notifications: { on_failure: ["data-eng@example.com"] },
  tags: { team: "data" },
  tasks: [
    { task_key: "ingest", notebook_task: { notebook_path: "/Workspace/etl/ingest" }, job_cluster_key: "etl" },
    {
      task_key: "transform",
      depends_on: [{ task_key: "ingest" }],
      spark_python_task: { python_file: "/Workspace/etl/transform.py" },
      new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 2 },
    },
  ],
  job_clusters: [
    {
      job_cluster_key: "etl",
      new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 4 },
    },
  ],
};

function mutate(fn: (s: JsonObject) => void): JobSettings {
  const copy = structuredClone(base) as JsonObject;
  fn(copy);
  return copy as JobSettings;
}

describe("diffJobSettings", () => {
  it("reports nothing for a job against its read-back form", () => {
    expect(diffJobSettings(base, readBack(base, { creator: CREATOR, awsFillIns: true }), OPTS)).toEqual([]);
  });

  it("gives readable paths, kinds, before/after and categories", () => {
    const desired = mutate((s) => {
      (s.schedule as JsonObject).quartz_cron_expression = "0 0 7 ? * MON-FRI";
      ((s.tasks as JsonObject[])[1].new_cluster as JsonObject).num_workers = 8;
      ((s.job_clusters as JsonObject[])[0].new_cluster as JsonObject).node_type_id = "i3.2xlarge";
      s.run_as = { service_principal_name: "6f1e2d3c-4b5a-4968-8776-1a2b3c4d5e6f" };
      (s.email_notifications as JsonObject).on_failure = ["oncall@example.com"];
      (s.tags as JsonObject).team = "platform";
      (s.tasks as JsonObject[])[0].max_retries = 2;
    });
    const fields = diffJobSettings(desired, readBack(base, { creator: CREATOR }), OPTS);
    const byPath = Object.fromEntries(fields.map((f) => [f.path, f]));
    expect(Object.keys(byPath).sort()).toEqual(
      [
        "email_notifications.on_failure",
        "job_clusters[etl].new_cluster.node_type_id",
        "run_as",
        "schedule.quartz_cron_expression",
        "tags.team",
        "tasks[ingest].max_retries",
        "tasks[transform].new_cluster.num_workers",
      ].sort(),
    );
    expect(byPath["schedule.quartz_cron_expression"]).toEqual({
      path: "schedule.quartz_cron_expression",
      kind: "change",
      before: "0 0 6 ? * MON-FRI",
      after: "0 0 7 ? * MON-FRI",
      category: "schedule",
    });
    expect(byPath["tasks[transform].new_cluster.num_workers"]).toMatchObject({
      kind: "change",
      before: 2,
      after: 8,
      category: "compute",
    });
    expect(byPath["job_clusters[etl].new_cluster.node_type_id"].category).toBe("compute");
    expect(byPath["run_as"]).toMatchObject({
      kind: "add",
      after: { service_principal_name: "6f1e2d3c-4b5a-4968-8776-1a2b3c4d5e6f" },
      category: "run_as",
    });
    expect(byPath["email_notifications.on_failure"].category).toBe("notifications");
    expect(byPath["tags.team"].category).toBe("other");
    expect(byPath["tasks[ingest].max_retries"]).toMatchObject({ kind: "add", after: 2, category: "tasks" });
  });

  it("matches tasks by key: whole-task add/remove, and a renamed key is remove + add (destructive)", () => {
    const renamed = mutate((s) => {
      const tasks = s.tasks as JsonObject[];
      tasks[0].task_key = "ingest_orders";
      (tasks[1].depends_on as JsonObject[])[0].task_key = "ingest_orders";
    });
    const fields = diffJobSettings(renamed, base);
    expect(fields.find((f) => f.path === "tasks[ingest]")).toMatchObject({
      kind: "remove",
      category: "tasks",
    });
    expect(fields.find((f) => f.path === "tasks[ingest_orders]")).toMatchObject({
      kind: "add",
      category: "tasks",
    });
    expect(isDestructiveChange(fields)).toBe(true);
    expect(taskRenames(fields)).toEqual([{ from: "ingest", to: "ingest_orders" }]);

    const removedOnly = mutate((s) => {
      s.tasks = (s.tasks as JsonObject[]).slice(0, 1);
    });
    const f2 = diffJobSettings(removedOnly, base);
    expect(f2).toEqual([expect.objectContaining({ path: "tasks[transform]", kind: "remove" })]);
    expect(isDestructiveChange(f2)).toBe(false);
    expect(isDestructiveChange(diffJobSettings(base, removedOnly))).toBe(false);
  });

  it("ignores ordering the API ignores but not ordering that matters", () => {
    const shuffled = mutate((s) => {
      s.tasks = [...(s.tasks as JsonObject[])].reverse();
      s.tags = { team: "data" };
    });
    expect(diffJobSettings(shuffled, base)).toEqual([]);
    const args = (params: string[]): JobSettings => ({
      tasks: [{ task_key: "a", spark_python_task: { python_file: "/f.py", parameters: params } }],
    });
    expect(diffJobSettings(args(["--x", "1"]), args(["1", "--x"]))).toEqual([
      expect.objectContaining({ path: "tasks[a].spark_python_task.parameters", kind: "change" }),
    ]);
  });

  it("does not report server-filled cluster attributes or the creator's run_as, but reports another run_as", () => {
    const back = readBack(base, { creator: CREATOR, awsFillIns: true });
    expect(diffJobSettings(base, back, OPTS)).toEqual([]);
    const otherRunAs = { ...back, run_as: { user_name: "someone.else@example.com" } };
    expect(diffJobSettings(base, otherRunAs, OPTS)).toEqual([
      expect.objectContaining({ path: "run_as", kind: "remove", category: "run_as" }),
    ]);
    expect(diffJobSettings(base, back, { ...OPTS, ignoreServerFilled: false }).map((f) => f.path)).toContain(
      "job_clusters[etl].new_cluster.aws_attributes",
    );
  });

  it("quotes odd keys in paths and categorises paths by field names, not user keys", () => {
    const fields = diffJobSettings({ tags: { "cost center": "1", team: "a" } }, { tags: { team: "a" } });
    expect(fields[0].path).toBe('tags["cost center"]');
    expect(categorizePath("tasks[new_cluster].notebook_task.notebook_path")).toBe("tasks");
    expect(categorizePath("tasks[a].existing_cluster_id")).toBe("compute");
    expect(categorizePath("tasks[a].email_notifications.on_failure")).toBe("notifications");
    expect(categorizePath("trigger.file_arrival.url")).toBe("schedule");
    expect(categorizePath("continuous")).toBe("schedule");
    expect(categorizePath("access_control_list")).toBe("permissions");
    expect(categorizePath("environments[default].spec.dependencies")).toBe("compute");
    expect(categorizePath("description")).toBe("other");
  });
});

describe("computeUpdateRequest / applyUpdateRequest", () => {
  it("sends only the changed task, and removes tasks by key", () => {
    const desired = mutate((s) => {
      ((s.tasks as JsonObject[])[1].new_cluster as JsonObject).num_workers = 8;
    });
    const req = computeUpdateRequest(desired, readBack(base, { creator: CREATOR }), OPTS)!;
    expect(req.fields_to_remove).toEqual([]);
    expect(Object.keys(req.new_settings)).toEqual(["tasks"]);
    expect(req.new_settings.tasks).toEqual([(desired.tasks as JsonObject[])[1]]);

    const removed = mutate((s) => {
      s.tasks = (s.tasks as JsonObject[]).slice(0, 1);
      delete s.schedule;
      s.max_concurrent_runs = 1; // explicit default: no change
    });
    expect(computeUpdateRequest(removed, readBack(base, { creator: CREATOR }), OPTS)).toEqual({
      new_settings: {},
      fields_to_remove: ["tasks/transform", "schedule"],
    });
  });

  it("is undefined when nothing changes", () => {
    expect(
      computeUpdateRequest(base, readBack(base, { creator: CREATOR, awsFillIns: true }), OPTS),
    ).toBeUndefined();
  });

  it("sends defaults explicitly for scalars the repo no longer sets", () => {
    const actual = { ...base, max_concurrent_runs: 5, timeout_seconds: 60 };
    expect(computeUpdateRequest(base, actual)).toEqual({
      new_settings: { max_concurrent_runs: 1, timeout_seconds: 0 },
      fields_to_remove: [],
    });
  });

  it("applies the service's update semantics", () => {
    const after = applyUpdateRequest(base, {
      new_settings: {
        schedule: { quartz_cron_expression: "0 0 1 * * ?", timezone_id: "UTC" },
        tasks: [
          { task_key: "ingest", notebook_task: { notebook_path: "/other" } },
          { task_key: "new", notebook_task: { notebook_path: "/n" } },
        ],
      },
      fields_to_remove: ["tags", "job_clusters/etl"],
    });
    expect(after.schedule).toEqual({ quartz_cron_expression: "0 0 1 * * ?", timezone_id: "UTC" }); // whole replace
    expect(after.tasks!.map((t) => t.task_key)).toEqual(["ingest", "transform", "new"]);
    expect(after.tasks![0]).toEqual({ task_key: "ingest", notebook_task: { notebook_path: "/other" } }); // entry replaced whole
    expect(after.tags).toBeUndefined();
    expect(after.job_clusters).toBeUndefined();
    expect(base.tags).toEqual({ team: "data" }); // input untouched
    expect(() =>
      applyUpdateRequest(base, { new_settings: {}, fields_to_remove: ["schedule.pause_status"] }),
    ).toThrow(/only top-level fields/);
    expect(() =>
      applyUpdateRequest(base, { new_settings: { tags: {} }, fields_to_remove: ["tags"] }),
    ).toThrow(/also sets it/);
  });

  describe.skipIf(!corpusPresent)("exactness over the real-world corpus", () => {
    const corpus = loadCorpus();
    type Mutation = [name: string, apply: (s: JsonObject) => boolean];
    const tasksOf = (s: JsonObject) => (Array.isArray(s.tasks) ? (s.tasks as JsonObject[]) : []);
    const mutations: Mutation[] = [
      ["remove a task", (s) => tasksOf(s).length > 0 && ((s.tasks = tasksOf(s).slice(0, -1)), true)],
      [
        "add a task",
        (s) => (
          (s.tasks = [
            ...tasksOf(s),
            {
              task_key: "added_by_test",
              notebook_task: { notebook_path: "/Workspace/t" },
              depends_on: tasksOf(s)
                .slice(0, 1)
                .map((t) => ({ task_key: t.task_key })),
            },
          ]),
          true
        ),
      ],
      [
        "rename a task key",
        (s) => {
          const tasks = tasksOf(s);
          if (tasks.length === 0) return false;
          const old = tasks[0].task_key;
          tasks[0].task_key = `${String(old)}_v2`;
          for (const t of tasks)
            for (const d of (t.depends_on as JsonObject[] | undefined) ?? [])
              if (d.task_key === old) d.task_key = `${String(old)}_v2`;
          return true;
        },
      ],
      [
        "change a cluster",
        (s) => {
          const jc = (s.job_clusters as JsonObject[] | undefined)?.[0];
          if (jc) {
            (jc.new_cluster as JsonObject).num_workers =
              Number((jc.new_cluster as JsonObject).num_workers ?? 1) + 3;
            return true;
          }
          const t = tasksOf(s).find((x) => x.new_cluster);
          if (t) {
            (t.new_cluster as JsonObject).node_type_id = "r5d.4xlarge";
            return true;
          }
          s.job_clusters = [
            {
              job_cluster_key: "test_cluster",
              new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 1 },
            },
          ];
          return true;
        },
      ],
      [
        "remove or add the schedule",
        (s) => (
          s.schedule
            ? delete s.schedule
            : (s.schedule = { quartz_cron_expression: "0 0 2 * * ?", timezone_id: "UTC" }),
          true
        ),
      ],
      [
        "change tags",
        (s) => ((s.tags = { ...((s.tags as JsonObject) ?? {}), team: "changed-by-test" }), true),
      ],
      ["remove tags", (s) => (s.tags ? (delete s.tags, true) : false)],
      ["change concurrency", (s) => ((s.max_concurrent_runs = s.max_concurrent_runs === 3 ? 4 : 3), true)],
      [
        "drop concurrency",
        (s) => (s.max_concurrent_runs !== undefined ? (delete s.max_concurrent_runs, true) : false),
      ],
      [
        "change parameters",
        (s) => (
          (s.parameters = [...((s.parameters as JsonObject[]) ?? []), { name: "added_param", default: "x" }]),
          true
        ),
      ],
      ["retry a task", (s) => tasksOf(s).length > 0 && ((tasksOf(s)[0].max_retries = 2), true)],
      ["add notification", (s) => ((s.email_notifications = { on_failure: ["oncall@example.com"] }), true)],
      [
        "remove a job cluster",
        (s) =>
          Array.isArray(s.job_clusters) &&
          s.job_clusters.length > 0 &&
          ((s.job_clusters = (s.job_clusters as unknown[]).slice(1)), true),
      ],
      [
        "run as a service principal",
        (s) => ((s.run_as = { service_principal_name: "11111111-2222-3333-4444-555555555555" }), true),
      ],
    ];

    function randomLeafMutation(s: JsonObject, random: () => number): boolean {
      const leaves: Array<[JsonObject | unknown[], string | number]> = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v))
          v.forEach((x, i) => (x !== null && typeof x === "object" ? walk(x) : leaves.push([v, i])));
        else if (v !== null && typeof v === "object") {
          for (const [k, x] of Object.entries(v)) {
            if (
              k === "task_key" ||
              k === "job_cluster_key" ||
              k === "environment_key" ||
              k === "name" ||
              k === "format"
            )
              continue; // keys: covered by rename; format is ignored on write
            if (x !== null && typeof x === "object") walk(x);
            else leaves.push([v as JsonObject, k]);
          }
        }
      };
      walk(s);
      if (leaves.length === 0) return false;
      const [holder, key] = leaves[Math.floor(random() * leaves.length)];
      const h = holder as Record<string | number, unknown>;
      const v = h[key];
      h[key] = typeof v === "number" ? v + 7 : typeof v === "boolean" ? !v : `${String(v)}-mutated`;
      return true;
    }

    function checkExact(desired: JobSettings, actual: JobSettings, label: string): void {
      const fields = diffJobSettings(desired, actual, OPTS);
      const req = computeUpdateRequest(desired, actual, OPTS);
      expect(req === undefined, `${label}: request iff diff`).toBe(fields.length === 0);
      if (!req) return;
      const after = applyUpdateRequest(actual, req);
      expect(diffJobSettings(desired, after, OPTS), label).toEqual([]);
      for (const k of Object.keys(req.new_settings))
        expect(
          fields.some((f) => f.path === k || f.path.startsWith(`${k}.`) || f.path.startsWith(`${k}[`)),
          `${label}: ${k} sent without a change`,
        ).toBe(true);
    }

    it("applying the request to the read-back job gives the desired job, for every job × mutation, both ways", () => {
      let checked = 0;
      for (const job of corpus) {
        const cloudActual = readBack(job.settings, { creator: CREATOR, awsFillIns: true });
        const plainActual = readBack(job.settings, { creator: CREATOR });
        for (const [name, apply] of mutations) {
          const mutated = structuredClone(job.settings) as JsonObject;
          if (!apply(mutated)) continue;
          checkExact(mutated as JobSettings, cloudActual, `${job.file} / ${name}`);
          checkExact(
            job.settings,
            readBack(mutated as JobSettings, { creator: CREATOR, awsFillIns: true }),
            `${job.file} / ${name} (reverse)`,
          );
          // without cloud fill-ins the result normalises equal to the desired settings
          const req = computeUpdateRequest(mutated as JobSettings, plainActual, OPTS);
          if (req)
            expect(
              normalizeJobSettings(applyUpdateRequest(plainActual, req), OPTS),
              `${job.file} / ${name}`,
            ).toEqual(normalizeJobSettings(mutated as JobSettings));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(corpus.length * 8);
    });

    it("holds for random single-field mutations (seeded)", () => {
      const random = rng(20240611);
      let checked = 0;
      for (const job of corpus) {
        for (let i = 0; i < 5; i++) {
          const mutated = structuredClone(job.settings) as JsonObject;
          if (!randomLeafMutation(mutated, random)) continue;
          const actual = readBack(job.settings, { creator: CREATOR, awsFillIns: true });
          checkExact(mutated as JobSettings, actual, `${job.file} random #${i}`);
          expect(
            diffJobSettings(mutated as JobSettings, actual, OPTS).length,
            `${job.file} random #${i} must differ`,
          ).toBeGreaterThan(0);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(corpus.length * 4);
    });
  });
});
