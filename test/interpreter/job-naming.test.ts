/**
 * How tickets name the job they ask for. People state a name in many grammatical forms ("the job is called X",
 * "name of job is X", "X needs scheduling"); an explicit naming statement outranks a title the name is guessed from.
 * The tickets here are written for this test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { answerTicket as answer } from "../support/interpret-ticket.js";

async function created(body: string): Promise<string | undefined> {
  const { requests, questions } = await answer(body, []);
  expect(questions).toEqual([]);
  expect(requests).toHaveLength(1);
  return requests[0]!.body.name as string | undefined;
}

const CODE = "It runs notebook /Repos/ops/cleanup/main every day at 05:00 UTC.";

describe("naming statements", () => {
  it.each([
    [`The job is called \`ops-cleanup\`. ${CODE}`, "ops-cleanup"],
    [`Job is called ops-cleanup. ${CODE}`, "ops-cleanup"],
    [`${CODE} The new job should be named "Ops Cleanup".`, "Ops Cleanup"],
    [`pls make job, name of job is ops-cleanup. ${CODE}`, "ops-cleanup"],
    [`${CODE} Name of the pipeline: ops_cleanup`, "ops_cleanup"],
    [`${CODE} It will be called ops-cleanup.`, "ops-cleanup"],
    [`${CODE} The workflow is named \`ops-cleanup\`.`, "ops-cleanup"],
    [`Ops needs "ops-cleanup" scheduled. ${CODE}`, "ops-cleanup"],
  ])("%s", async (ticket, name) => {
    expect(await created(ticket)).toBe(name);
  });

  it('"call it X" in a line about the cluster names the cluster, not the job', async () => {
    const ticket = [
      "Notebook: /Repos/ops/cleanup/main, every day at 05:00 UTC.",
      "Cluster: call it `ops_cluster`, i3.xlarge nodes, 15.4.x-scala2.12, 2 workers.",
      "Name: Ops Cleanup",
    ].join("\n");
    const { requests, questions } = await answer(ticket, []);
    expect(questions).toEqual([]);
    const body = requests[0]!.body as { name: string; job_clusters: Array<{ job_cluster_key: string }> };
    expect(body.name).toBe("Ops Cleanup");
    expect(body.job_clusters.map((c) => c.job_cluster_key)).toEqual(["ops_cluster"]);
  });

  it("an explicit name beats a bold title the name would otherwise be taken from", async () => {
    const ticket = [
      "**OPS-311: Nightly cleanup of temp tables**",
      "",
      "*Acceptance criteria*",
      "- Job is called `ops-temp-cleanup`",
      `- ${CODE}`,
    ].join("\n");
    expect(await created(ticket)).toBe("ops-temp-cleanup");
  });

  it("a bold title still names the job when nothing else does", async () => {
    expect(await created(`**Nightly Temp Cleanup**\n\n${CODE}`)).toBe("Nightly Temp Cleanup");
  });

  it("'called by' is not a name", async () => {
    const ticket = `Create job ops-cleanup: ${CODE} The notebook is called by nothing else.`;
    expect(await created(ticket)).toBe("ops-cleanup");
  });
});
