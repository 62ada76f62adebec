/**
 * Suite 5 — blast radius. A workspace seeded with 100 jobs this repository does not own — untagged ones, ones tagged
 * by another repository, ones with exactly the names of the repo's managed jobs, ones carrying this repo's task tag
 * without its repo tag — goes through a sequence of plans and applies with deletes allowed: create 20 jobs, edit one,
 * remove a requirement file, target jobs by an ambiguous name, and finally delete every requirement file. After every
 * step the 100 foreign jobs are compared field by field with their original settings; the repo's own jobs really
 * are created, updated and deleted (so the sequence is not vacuous).
 */
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import type { JobSettings } from "../../src/domain/model.js";
import {
  allJobs,
  cleanupTempDirs,
  createJob,
  makeRepo,
  managedJobs,
  settingsFingerprint,
} from "../support/reliability-harness.js";
import { jobSettings, requirementFile, twentyJobs } from "../support/reliability-fixtures.js";
import { engineOptions } from "../support/reliability-engine.js";

const REPO = "acme/blast-radius";
const { files, taskIds, names } = twentyJobs("Blast");

let ws: LocalWorkspace;
let foreignIds: number[];
let foreignBefore: Map<number, string>;

function foreignSettings(i: number): JobSettings {
  const base = jobSettings({
    name: `Team job ${i}`,
    schedule: i % 2 === 0,
    email: i % 3 === 0,
    workers: 1 + (i % 5),
  }) as JobSettings;
  if (i < 40) return { ...base, tags: { team: `team-${i % 7}` } }; // untagged by any agent
  if (i < 60) return { ...base, tags: { "jobagent-repo": "other/repo", "jobagent-task": taskIds[i % 20] } }; // another repo, same task ids
  if (i < 80) return { ...base, name: names.get(taskIds[i - 60]) as string }; // same names as the managed jobs
  if (i < 90)
    return {
      ...base,
      name: names.get(taskIds[i - 80]) as string,
      tags: { "jobagent-task": taskIds[i - 80] },
    }; // our task tag, no repo tag
  return { ...base, tags: { "jobagent-repo": "ACME/Blast-Radius" } }; // a repo name differing only in case
}

async function expectForeignUntouched(step: string): Promise<void> {
  const jobs = await allJobs(ws);
  const now = new Map(
    jobs.filter((j) => foreignIds.includes(j.job_id)).map((j) => [j.job_id, settingsFingerprint(j)]),
  );
  const changed = foreignIds.filter((id) => now.get(id) !== foreignBefore.get(id));
  expect(changed, `after ${step}: foreign jobs changed or deleted: ${changed.join(", ")}`).toEqual([]);
}

beforeAll(async () => {
  ws = await startLocalWorkspace({ token: "dapi-blast-radius-0123456789abcdef" });
  foreignIds = [];
  // The namesakes of the managed jobs (60–89) appear after the first apply: a create whose name a foreign job
  // already has is blocked (step 5 shows it), so they are made by hand next to the managed jobs.
  for (let i = 0; i < 100; i++)
    if (i < 60 || i >= 90) foreignIds.push(await createJob(ws, foreignSettings(i)));
  foreignBefore = new Map((await allJobs(ws)).map((j) => [j.job_id, settingsFingerprint(j)]));
  expect(foreignBefore.size).toBe(70);
});

afterAll(async () => {
  await ws?.close();
  await cleanupTempDirs();
});

const HOSTILE = [
  "---\nupdate:\n  job: Blast misc e1\n  set:\n    max_concurrent_runs: 3\n---\nUpdate by a name two jobs share.\n",
  "---\ndelete:\n  job: Blast core a2\n---\nDelete by a name two jobs share.\n",
  "---\nupdate:\n  job: Team job 3\n  set:\n    max_concurrent_runs: 3\n---\nUpdate a foreign job without adopt.\n",
  "---\ndelete:\n  job: Team job 45\n---\nDelete another repo's job.\n",
];

describe("blast radius: 100 jobs the repo does not own", () => {
  it("plans, applies, edits, removes and deletes only the repo's own jobs", async () => {
    const repoDir = await makeRepo(files, "jobagent-blast-");
    const options = engineOptions(repoDir, ws, { repo: REPO, allowDelete: true });
    const step = async (label: string, expectOk = true) => {
      const plan = await runPlan(options);
      const apply = await runApply(options, { onPlanChange: "fail" });
      if (expectOk)
        expect(
          apply.ok,
          `${label}: ${apply.message ?? ""}\n${plan.diagnostics.map((d) => d.message).join("\n")}`,
        ).toBe(true);
      await expectForeignUntouched(label);
      return { plan, apply };
    };

    // 1. Create the 20 managed jobs next to their namesakes.
    const first = await step("the first apply");
    expect(first.plan.counts.create).toBe(20);
    expect(first.plan.counts.delete).toBe(0);
    expect(managedJobs(await allJobs(ws), REPO)).toHaveLength(20);
    for (let i = 60; i < 90; i++) {
      const id = await createJob(ws, foreignSettings(i));
      foreignIds.push(id);
      foreignBefore.set(id, settingsFingerprint((await allJobs(ws)).find((j) => j.job_id === id)!));
    }
    expect(foreignBefore.size).toBe(100);

    // 2. Edit one requirement: only the managed job is updated.
    const stage2 = files["jobs/stage2.md"].replace(/num_workers: (\d)/, "num_workers: 9");
    await writeFile(path.join(repoDir, "jobs/stage2.md"), stage2);
    const edit = await step("an edit");
    expect(edit.plan.counts.update).toBe(1);
    expect(edit.plan.counts.delete).toBe(0);

    // 3. Remove one requirement file with delete allowed: its four managed jobs go, nothing else.
    await rm(path.join(repoDir, "jobs/stage3.md"));
    const removal = await step("removing stage3.md");
    expect(removal.plan.counts.delete).toBe(4);
    expect(managedJobs(await allJobs(ws), REPO)).toHaveLength(16);

    // 4. Act on jobs by names that foreign jobs share, or on foreign jobs without adopt: nothing foreign is touched,
    //    nothing of ours either, and the updates are refused with an error.
    for (const [i, text] of HOSTILE.entries()) {
      const file = path.join(repoDir, `jobs/hostile-${i}.md`);
      await writeFile(file, text);
      const { plan, apply } = await step(`hostile requirement ${i}`, false);
      expect(
        plan.changes.filter((c) => c.jobId !== undefined && foreignIds.includes(c.jobId) && c.op !== "no-op"),
      ).toEqual([]);
      expect(apply.results.filter((r) => r.status === "COMPLETE" && r.op !== "no-op")).toEqual([]);
      if (text.includes("update:"))
        expect(apply.failureReason, `hostile requirement ${i}`).toBe("validation-failed");
      expect(managedJobs(await allJobs(ws), REPO)).toHaveLength(16);
      await rm(file);
    }

    // 5. A requirement creating a job with a foreign job's exact name is blocked (adopt it or rename), never a
    //    silent second job of that name; the namesake stays.
    await writeFile(
      path.join(repoDir, "jobs/namesake.md"),
      requirementFile("namesake", { team_job_7: jobSettings({ name: "Team job 7" }) }),
    );
    const namesake = await step("a namesake create");
    expect(namesake.plan.counts.create).toBe(0);
    expect(namesake.plan.counts.update).toBe(0);
    const reason = namesake.plan.blocked.find((b) => b.requirement === "jobs/namesake.md")?.reason ?? "";
    const team7 = (await allJobs(ws)).find((j) => j.settings.name === "Team job 7")?.job_id;
    expect(reason).toContain(`job ${team7}`);
    expect(reason).toMatch(/adopt: true/);
    expect(reason).toMatch(/another name/);

    // 6. Delete every requirement file with delete allowed: all managed jobs go, the 100 foreign ones stay.
    for (const file of ["core", "stage2", "reports", "misc", "namesake"])
      await rm(path.join(repoDir, `jobs/${file}.md`));
    const teardown = await step("deleting every requirement");
    expect(teardown.plan.counts.delete).toBe(16);
    expect(managedJobs(await allJobs(ws), REPO)).toEqual([]);
    expect((await allJobs(ws)).map((j) => j.job_id).sort((a, b) => a - b)).toEqual(
      [...foreignIds].sort((a, b) => a - b),
    );

    // 7. A final plan over the empty jobs directory wants nothing.
    const final = await runPlan(options);
    expect(final.counts.create + final.counts.update + final.counts.delete).toBe(0);
    await expectForeignUntouched("the final plan");
  });

  // Known bug (reported): src/worker/planner.ts plans a delete whose target name matches several jobs as a silent
  // no-op (the resolve problem is ignored). Safe — nothing is deleted — but the user sees green for a delete that
  // cannot happen. Remove `.fails` once the planner reports the ambiguity as an error.
  it("a delete by a name two jobs share is a validation error naming the candidates", async () => {
    const repoDir = await makeRepo(
      {
        "jobs/ambiguous.md":
          "---\ndelete:\n  job: Team job 5\n---\nTwo jobs are named Team job 5 after this test's setup.\n",
      },
      "jobagent-blast-",
    );
    await createJob(ws, foreignSettings(5)); // the namesake: now two jobs share the name
    const plan = await runPlan(engineOptions(repoDir, ws, { repo: REPO, allowDelete: true }));
    expect(plan.valid).toBe(false);
    expect(
      plan.diagnostics.find((d) => d.severity === "error" && d.file === "jobs/ambiguous.md")?.message,
    ).toMatch(/2 jobs/);
  });
});
