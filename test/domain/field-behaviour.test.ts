/** One check per kind of behaviour in the field-behaviour table: each fails if the normaliser/diff stops handling it. */
import { describe, expect, it } from "vitest";
import { FIELD_BEHAVIOURS } from "../../src/domain/field-behaviour.js";
import { diffJobSettings, normalizeJobSettings } from "../../src/domain/plan.js";
import type { JobSettings } from "../../src/domain/model.js";

const cluster = { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 1 };
const job = (newCluster: Record<string, unknown>, extra: Partial<JobSettings> = {}): JobSettings => ({
  name: "j",
  job_clusters: [{ job_cluster_key: "c", new_cluster: newCluster as never }],
  tasks: [{ task_key: "t", job_cluster_key: "c", notebook_task: { notebook_path: "/n" } }],
  ...extra,
});

describe("field-behaviour table", () => {
  it("every row cites a source", () => {
    for (const row of FIELD_BEHAVIOURS) expect(row.source.length, row.path).toBeGreaterThan(10);
  });

  it("a server default the requirement does not mention is not a diff; one it contradicts is", () => {
    const back = job({ ...cluster, enable_elastic_disk: true, runtime_engine: "STANDARD" });
    expect(diffJobSettings(job(cluster), back)).toEqual([]);
    const fields = diffJobSettings(job({ ...cluster, enable_elastic_disk: false }), back);
    expect(fields.map((f) => f.path)).toEqual(["job_clusters[c].new_cluster.enable_elastic_disk"]);
  });

  it("members of a partially written cloud block filled by the service are not a diff", () => {
    const desired = job({ ...cluster, aws_attributes: { first_on_demand: 2 } });
    const back = job({
      ...cluster,
      aws_attributes: { first_on_demand: 2, availability: "SPOT_WITH_FALLBACK", zone_id: "us-east-1c" },
    });
    expect(diffJobSettings(desired, back)).toEqual([]);
    const changed = job({ ...cluster, aws_attributes: { first_on_demand: 2, availability: "ON_DEMAND" } });
    expect(diffJobSettings(changed, back).map((f) => f.path)).toEqual([
      "job_clusters[c].new_cluster.aws_attributes.availability",
    ]);
  });

  it("a literal default written or left out compares equal (num_workers 0 without autoscale, dbt schema)", () => {
    expect(normalizeJobSettings(job({ ...cluster, num_workers: 0 }))).toEqual(
      normalizeJobSettings(job({ spark_version: cluster.spark_version, node_type_id: cluster.node_type_id })),
    );
  });

  it("an input-only field is never returned and so never a diff", () => {
    expect(diffJobSettings(job({ ...cluster, apply_policy_default_values: true }), job(cluster))).toEqual([]);
  });

  it("output-only format is ignored", () => {
    expect(diffJobSettings(job(cluster), { ...job(cluster), format: "MULTI_TASK" })).toEqual([]);
  });

  it("arrays returned in another order are not a diff (job clusters, parameters, libraries, depends_on)", () => {
    const a: JobSettings = {
      parameters: [
        { name: "a", default: "1" },
        { name: "b", default: "2" },
      ],
      tasks: [
        {
          task_key: "t",
          depends_on: [{ task_key: "x" }, { task_key: "y" }],
          libraries: [{ whl: "/a.whl" }, { whl: "/b.whl" }],
          notebook_task: { notebook_path: "/n" },
        },
      ],
    };
    const b = structuredClone(a);
    (b.parameters as unknown[]).reverse();
    b.tasks![0].depends_on!.reverse();
    b.tasks![0].libraries!.reverse();
    expect(diffJobSettings(a, b)).toEqual([]);
  });

  it("case-insensitive git_provider compares in canonical casing", () => {
    const git = (p: string): JobSettings => ({
      git_source: { git_url: "https://x/y", git_provider: p as never },
    });
    expect(diffJobSettings(git("GITHUB"), git("gitHub"))).toEqual([]);
  });
});
