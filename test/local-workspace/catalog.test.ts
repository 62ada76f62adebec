import { ApiError } from "@databricks/sdk-experimental";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { notebookJob, raw, sdkFor } from "./helpers.js";

let ws: LocalWorkspace;
beforeAll(async () => {
  ws = await startLocalWorkspace();
});
afterAll(async () => {
  await ws.close();
});

const fail = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected failure");
    },
    (e: ApiError) => e,
  );

describe("job permissions", () => {
  it("creator is IS_OWNER; PUT replaces direct grants, keeps exactly one owner; PATCH merges", async () => {
    const w = sdkFor(ws);
    const { job_id } = await w.jobs.create(notebookJob("perms") as never);
    const id = String(job_id);
    const initial = await w.jobs.getPermissions({ job_id: id });
    expect(initial.object_id).toBe(`/jobs/${id}`);
    expect(initial.access_control_list).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          user_name: "jane.doe@example.com",
          all_permissions: [{ permission_level: "IS_OWNER", inherited: false }],
        }),
        expect.objectContaining({
          group_name: "admins",
          all_permissions: [expect.objectContaining({ permission_level: "CAN_MANAGE", inherited: true })],
        }),
      ]),
    );

    await w.jobs.setPermissions({
      job_id: id,
      access_control_list: [{ group_name: "data-eng", permission_level: "CAN_MANAGE_RUN" }],
    });
    let acl = (await w.jobs.getPermissions({ job_id: id })).access_control_list!;
    expect(acl.map((e) => e.user_name ?? e.group_name)).toEqual([
      "jane.doe@example.com",
      "data-eng",
      "admins",
    ]);

    await w.jobs.setPermissions({
      job_id: id,
      access_control_list: [
        { user_name: "bob@example.com", permission_level: "IS_OWNER" },
        { group_name: "users", permission_level: "CAN_VIEW" },
      ],
    });
    acl = (await w.jobs.getPermissions({ job_id: id })).access_control_list!;
    expect(
      acl
        .filter((e) => e.all_permissions!.some((p) => p.permission_level === "IS_OWNER"))
        .map((e) => e.user_name),
    ).toEqual(["bob@example.com"]);
    expect(acl.some((e) => e.group_name === "data-eng")).toBe(false);

    const twoOwners = await fail(
      w.jobs.setPermissions({
        job_id: id,
        access_control_list: [
          { user_name: "a@x.com", permission_level: "IS_OWNER" },
          { user_name: "b@x.com", permission_level: "IS_OWNER" },
        ],
      }),
    );
    expect([twoOwners.statusCode, twoOwners.errorCode, twoOwners.message]).toEqual([
      400,
      "INVALID_PARAMETER_VALUE",
      "The job must have exactly one owner.",
    ]);
    const badLevel = await fail(
      w.jobs.setPermissions({
        job_id: id,
        access_control_list: [{ user_name: "a@x.com", permission_level: "CAN_EAT" as never }],
      }),
    );
    expect(badLevel.message).toContain("CAN_EAT");

    const patched = await raw(
      ws,
      "PATCH",
      `/api/2.0/permissions/jobs/${id}`,
      JSON.stringify({ access_control_list: [{ group_name: "ops", permission_level: "CAN_MANAGE" }] }),
    );
    expect(patched.status).toBe(200);
    expect(
      (patched.body.access_control_list as Array<Record<string, unknown>>).map(
        (e) => e.user_name ?? e.group_name,
      ),
    ).toEqual(["bob@example.com", "users", "ops", "admins"]);
    // The SDK never sends PATCH bodies: an empty PATCH is refused, not silently accepted.
    const emptyPatch = await fail(
      w.jobs.updatePermissions({
        job_id: id,
        access_control_list: [{ group_name: "x", permission_level: "CAN_VIEW" }],
      }),
    );
    expect(emptyPatch.message).toBe("Missing required field: access_control_list");

    const missing = await fail(w.jobs.getPermissions({ job_id: "424242" }));
    expect([missing.statusCode, missing.errorCode]).toEqual([404, "RESOURCE_DOES_NOT_EXIST"]);
    expect(
      (await w.jobs.getPermissionLevels({ job_id: id })).permission_levels!.map((l) => l.permission_level),
    ).toContain("IS_OWNER");
  });

  it("create with access_control_list sets initial grants", async () => {
    const w = sdkFor(ws);
    const { job_id } = await w.jobs.create({
      ...notebookJob("acl"),
      access_control_list: [{ group_name: "analysts", permission_level: "CAN_VIEW" }],
    } as never);
    const acl = (await w.jobs.getPermissions({ job_id: String(job_id) })).access_control_list!;
    expect(acl.map((e) => e.user_name ?? e.group_name)).toEqual([
      "jane.doe@example.com",
      "analysts",
      "admins",
    ]);
  });
});

describe("compute, workspace, warehouses, pipelines", () => {
  it("clusters: spark versions, node types (AWS/Azure/GCP), list, get, not-found", async () => {
    const w = sdkFor(ws);
    const versions = (await w.clusters.sparkVersions()).versions!.map((v) => v.key);
    expect(versions).toEqual(
      expect.arrayContaining(["15.4.x-scala2.12", "14.3.x-scala2.12", "16.4.x-scala2.12"]),
    );
    expect(
      (await w.clusters.sparkVersions()).versions!.find((v) => v.key === "15.4.x-scala2.12")!.name,
    ).toContain("LTS");
    const nodes = (await w.clusters.listNodeTypes()).node_types!.map((n) => n.node_type_id);
    expect(nodes).toEqual(
      expect.arrayContaining([
        "i3.xlarge",
        "m5d.large",
        "r5d.xlarge",
        "Standard_DS3_v2",
        "Standard_E8ds_v4",
        "n2-highmem-4",
      ]),
    );
    const clusters = [];
    for await (const c of w.clusters.list({})) clusters.push(c);
    expect(clusters.some((c) => c.cluster_source === "UI")).toBe(true);
    const one = await w.clusters.get({ cluster_id: clusters[0].cluster_id! });
    expect(one.cluster_name).toBe(clusters[0].cluster_name);
    const missing = await fail(w.clusters.get({ cluster_id: "0000-000000-nothere" }));
    expect([missing.statusCode, missing.errorCode, missing.message]).toEqual([
      400,
      "INVALID_PARAMETER_VALUE",
      "Cluster 0000-000000-nothere does not exist",
    ]);
    const policies = [];
    for await (const p of w.clusterPolicies.list({})) policies.push(p);
    expect(policies.length).toBeGreaterThan(0);
    expect(typeof policies[0].definition).toBe("string");
  });

  it("workspace objects: get-status (with and without /Workspace), list, mkdirs, import, 404 shape", async () => {
    const w = sdkFor(ws);
    expect((await w.workspace.getStatus({ path: "/Shared/etl/ingest" })).object_type).toBe("NOTEBOOK");
    expect(
      (await w.workspace.getStatus({ path: "/Workspace/Users/jane.doe@example.com/notebooks/daily_report" }))
        .object_type,
    ).toBe("NOTEBOOK");
    const missing = await fail(w.workspace.getStatus({ path: "/Shared/nope" }));
    expect([missing.statusCode, missing.errorCode, missing.message]).toEqual([
      404,
      "RESOURCE_DOES_NOT_EXIST",
      "Path (/Shared/nope) doesn't exist.",
    ]);

    await w.workspace.mkdirs({ path: "/Users/jane.doe@example.com/project/src" });
    expect((await w.workspace.getStatus({ path: "/Users/jane.doe@example.com/project" })).object_type).toBe(
      "DIRECTORY",
    );
    await w.workspace.import({
      path: "/Users/jane.doe@example.com/project/src/job.py",
      format: "AUTO",
      content: Buffer.from("# Databricks notebook source\nprint(1)\n").toString("base64"),
    });
    const notebook = await w.workspace.getStatus({ path: "/Users/jane.doe@example.com/project/src/job" });
    expect([notebook.object_type, notebook.language]).toEqual(["NOTEBOOK", "PYTHON"]);
    await w.workspace.import({
      path: "/Users/jane.doe@example.com/project/src/conf.yml",
      format: "RAW",
      content: Buffer.from("a: 1\n").toString("base64"),
    });
    const again = await fail(
      w.workspace.import({
        path: "/Users/jane.doe@example.com/project/src/conf.yml",
        format: "RAW",
        content: "",
      }),
    );
    expect(again.errorCode).toBe("RESOURCE_ALREADY_EXISTS");
    const orphan = await fail(w.workspace.import({ path: "/Nowhere/x.py", format: "RAW", content: "" }));
    expect([orphan.statusCode, orphan.errorCode]).toEqual([404, "RESOURCE_DOES_NOT_EXIST"]);
    const listed = [];
    for await (const o of w.workspace.list({ path: "/Users/jane.doe@example.com/project/src" }))
      listed.push([o.path, o.object_type]);
    expect(listed).toEqual([
      ["/Users/jane.doe@example.com/project/src/conf.yml", "FILE"],
      ["/Users/jane.doe@example.com/project/src/job", "NOTEBOOK"],
    ]);
  });

  it("SQL warehouses and pipelines", async () => {
    const w = sdkFor(ws);
    const warehouses = [];
    for await (const wh of w.warehouses.list({})) warehouses.push(wh);
    expect(
      warehouses.some((wh) => wh.enable_serverless_compute === true && wh.warehouse_type === "PRO"),
    ).toBe(true);
    expect((await w.warehouses.get({ id: warehouses[0].id! })).name).toBe(warehouses[0].name);
    const pipeline = await w.pipelines.get({ pipeline_id: "1a2b3c4d-0000-4000-8000-00000000c0de" });
    expect([pipeline.name, pipeline.spec?.continuous]).toEqual(["sales-dlt", false]);
    const missing = await fail(w.pipelines.get({ pipeline_id: "nope" }));
    expect([missing.statusCode, missing.errorCode, missing.message]).toEqual([
      404,
      "RESOURCE_DOES_NOT_EXIST",
      "The specified pipeline nope was not found.",
    ]);
  });

  it("seed data is replaceable", async () => {
    const custom = await startLocalWorkspace({
      seed: {
        user: "ops@corp.example",
        nodeTypes: [
          {
            node_type_id: "x1.tiny",
            memory_mb: 1024,
            num_cores: 1,
            category: "General Purpose",
            description: "tiny",
          },
        ],
      },
    });
    try {
      const w = sdkFor(custom);
      expect((await w.clusters.listNodeTypes()).node_types!.map((n) => n.node_type_id)).toEqual(["x1.tiny"]);
      const { job_id } = await w.jobs.create({ name: "who" });
      expect((await w.jobs.get({ job_id: job_id! })).creator_user_name).toBe("ops@corp.example");
      expect((await w.clusters.sparkVersions()).versions!.length).toBeGreaterThan(5);
    } finally {
      await custom.close();
    }
  });
});
