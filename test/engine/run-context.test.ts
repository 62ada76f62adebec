// The run context's workspace reads for the Tech Lead: the node types, runtimes and warehouses a ticket may need are
// read once per run, however many requirements (or clusters of one) ask; a failed read is tried again.
import { describe, expect, it } from "vitest";
import type { EngineOptions } from "../../src/engine/api.js";
import { createRunContext } from "../../src/engine/context.js";
import type { Workspace } from "../../src/adapters/databricks/port.js";

describe("the run context's workspace reads", () => {
  it("lists runtimes, node types and warehouses once per run; a failure is asked again", async () => {
    const calls = { versions: 0, nodes: 0, warehouses: 0 };
    let failNext = true;
    const workspace = {
      async listSparkVersions() {
        calls.versions++;
        if (failNext) {
          failNext = false;
          throw new Error("503 from the workspace");
        }
        return [{ key: "15.4.x-scala2.12", name: "15.4 LTS" }];
      },
      async listNodeTypes() {
        calls.nodes++;
        return [];
      },
      async listWarehouses() {
        calls.warehouses++;
        return [];
      },
    } as unknown as Workspace;
    const ctx = createRunContext({ repoDir: "/nonexistent", jobsDir: "jobs", workspace } as EngineOptions);
    await expect(ctx.tools.listSparkVersions()).rejects.toThrow("503");
    const versions = await Promise.all([1, 2, 3].map(() => ctx.tools.listSparkVersions()));
    expect(versions.every((v) => v[0]?.key === "15.4.x-scala2.12")).toBe(true);
    await ctx.tools.listNodeTypes();
    await ctx.tools.listNodeTypes();
    await ctx.tools.listWarehouses();
    await ctx.tools.listWarehouses();
    expect(calls).toEqual({ versions: 2, nodes: 1, warehouses: 1 });
    // Another run reads again (a run's answers are not kept past it).
    await createRunContext({
      repoDir: "/nonexistent",
      jobsDir: "jobs",
      workspace,
    } as EngineOptions).tools.listNodeTypes();
    expect(calls.nodes).toBe(2);
  });
});
