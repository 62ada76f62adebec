/**
 * The data a fresh local workspace starts with: node types (AWS, Azure, GCP ids), Databricks runtimes, an all-purpose
 * cluster, a cluster policy, a few notebooks and files, a SQL warehouse and a pipeline. Replaceable through
 * `startLocalWorkspace({ seed })` key by key.
 */

export interface SeedNodeType {
  node_type_id: string;
  instance_type_id?: string;
  memory_mb: number;
  num_cores: number;
  num_gpus?: number;
  category: string;
  description: string;
  is_deprecated?: boolean;
  is_hidden?: boolean;
  photon_driver_capable?: boolean;
  photon_worker_capable?: boolean;
  is_graviton?: boolean;
  node_instance_type?: { instance_type_id: string; local_disks?: number; local_disk_size_gb?: number };
}

export interface SeedSparkVersion {
  key: string;
  name: string;
}

export interface SeedCluster {
  cluster_id: string;
  cluster_name: string;
  spark_version: string;
  node_type_id: string;
  num_workers?: number;
  state: string;
  cluster_source: string;
  data_security_mode?: string;
  single_user_name?: string;
  creator_user_name?: string;
}

export interface SeedPolicy {
  policy_id: string;
  name: string;
  /** JSON text, as the API returns it. */
  definition: string;
  description?: string;
  is_default?: boolean;
}

export interface SeedWorkspaceObject {
  path: string;
  object_type: "NOTEBOOK" | "FILE" | "DIRECTORY" | "LIBRARY" | "REPO" | "DASHBOARD";
  language?: "PYTHON" | "SCALA" | "SQL" | "R";
  /** Text content (notebooks and files). */
  content?: string;
}

export interface SeedWarehouse {
  id: string;
  name: string;
  state: string;
  cluster_size: string;
  warehouse_type: "CLASSIC" | "PRO" | "TYPE_UNSPECIFIED";
  enable_serverless_compute: boolean;
  enable_photon?: boolean;
  auto_stop_mins?: number;
  min_num_clusters?: number;
  max_num_clusters?: number;
}

export interface SeedPipeline {
  pipeline_id: string;
  name: string;
  state: string;
  continuous: boolean;
  catalog?: string;
  target?: string;
}

export interface LocalWorkspaceSeed {
  /** The user every token acts as (creator_user_name, run_as_user_name). */
  user: string;
  /** Numeric workspace id used in run_page_url (`?o=`). */
  workspaceId: string;
  nodeTypes: SeedNodeType[];
  sparkVersions: SeedSparkVersion[];
  clusters: SeedCluster[];
  policies: SeedPolicy[];
  workspaceObjects: SeedWorkspaceObject[];
  warehouses: SeedWarehouse[];
  pipelines: SeedPipeline[];
}

const node = (
  node_type_id: string,
  memory_mb: number,
  num_cores: number,
  category: string,
  description: string,
  extra: Partial<SeedNodeType> = {},
): SeedNodeType => ({
  node_type_id,
  instance_type_id: node_type_id,
  memory_mb,
  num_cores,
  num_gpus: 0,
  category,
  description,
  is_deprecated: false,
  is_hidden: false,
  photon_driver_capable: true,
  photon_worker_capable: true,
  is_graviton: false,
  node_instance_type: { instance_type_id: node_type_id, local_disks: 1, local_disk_size_gb: 150 },
  ...extra,
});

export const DEFAULT_USER = "jane.doe@example.com";

export function defaultSeed(): LocalWorkspaceSeed {
  const user = DEFAULT_USER;
  return {
    user,
    workspaceId: "1234567890123456",
    nodeTypes: [
      // AWS
      node("i3.xlarge", 31232, 4, "Storage Optimized", "i3.xlarge"),
      node("i3.2xlarge", 62464, 8, "Storage Optimized", "i3.2xlarge"),
      node("m5d.large", 8192, 2, "General Purpose", "m5d.large"),
      node("m5d.xlarge", 16384, 4, "General Purpose", "m5d.xlarge"),
      node("r5d.xlarge", 32768, 4, "Memory Optimized", "r5d.xlarge"),
      node("c5d.2xlarge", 16384, 8, "Compute Optimized", "c5d.2xlarge"),
      node("m6gd.large", 8192, 2, "General Purpose", "m6gd.large", { is_graviton: true }),
      node("g4dn.xlarge", 16384, 4, "GPU Accelerated", "g4dn.xlarge", {
        num_gpus: 1,
        photon_driver_capable: false,
        photon_worker_capable: false,
      }),
      node("m4.large", 8192, 2, "General Purpose", "m4.large (deprecated)", {
        is_deprecated: true,
        photon_driver_capable: false,
        photon_worker_capable: false,
      }),
      // Azure
      node("Standard_DS3_v2", 14336, 4, "General Purpose", "Standard_DS3_v2"),
      node("Standard_DS4_v2", 28672, 8, "General Purpose", "Standard_DS4_v2"),
      node("Standard_D4ds_v5", 16384, 4, "General Purpose", "Standard_D4ds_v5"),
      node("Standard_E8ds_v4", 65536, 8, "Memory Optimized", "Standard_E8ds_v4"),
      node("Standard_F4s", 8192, 4, "Compute Optimized", "Standard_F4s", {
        photon_driver_capable: false,
        photon_worker_capable: false,
      }),
      node("Standard_NC6s_v3", 114688, 6, "GPU Accelerated", "Standard_NC6s_v3", {
        num_gpus: 1,
        photon_driver_capable: false,
        photon_worker_capable: false,
      }),
      // GCP
      node("n2-standard-4", 16384, 4, "General Purpose", "n2-standard-4"),
      node("n2-highmem-4", 32768, 4, "Memory Optimized", "n2-highmem-4"),
      node("n2-highmem-8", 65536, 8, "Memory Optimized", "n2-highmem-8"),
      node("e2-standard-4", 16384, 4, "General Purpose", "e2-standard-4", {
        photon_driver_capable: false,
        photon_worker_capable: false,
      }),
    ],
    sparkVersions: [
      { key: "16.4.x-scala2.12", name: "16.4 LTS (includes Apache Spark 3.5.2, Scala 2.12)" },
      { key: "16.4.x-scala2.13", name: "16.4 LTS (includes Apache Spark 3.5.2, Scala 2.13)" },
      { key: "16.4.x-photon-scala2.12", name: "16.4 LTS Photon (includes Apache Spark 3.5.2, Scala 2.12)" },
      { key: "16.4.x-cpu-ml-scala2.12", name: "16.4 LTS ML (includes Apache Spark 3.5.2, Scala 2.12)" },
      { key: "16.4.x-gpu-ml-scala2.12", name: "16.4 LTS ML (includes Apache Spark 3.5.2, GPU, Scala 2.12)" },
      { key: "15.4.x-scala2.12", name: "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)" },
      { key: "15.4.x-photon-scala2.12", name: "15.4 LTS Photon (includes Apache Spark 3.5.0, Scala 2.12)" },
      { key: "15.4.x-cpu-ml-scala2.12", name: "15.4 LTS ML (includes Apache Spark 3.5.0, Scala 2.12)" },
      { key: "14.3.x-scala2.12", name: "14.3 LTS (includes Apache Spark 3.5.0, Scala 2.12)" },
      { key: "14.3.x-photon-scala2.12", name: "14.3 LTS Photon (includes Apache Spark 3.5.0, Scala 2.12)" },
      { key: "13.3.x-scala2.12", name: "13.3 LTS (includes Apache Spark 3.4.1, Scala 2.12)" },
      { key: "12.2.x-scala2.12", name: "12.2 LTS (includes Apache Spark 3.3.2, Scala 2.12)" },
      { key: "17.0.x-scala2.13", name: "17.0 (includes Apache Spark 4.0.0, Scala 2.13)" },
      { key: "17.1.x-scala2.13", name: "17.1 Beta (includes Apache Spark 4.0.0, Scala 2.13)" },
    ],
    clusters: [
      {
        cluster_id: "0101-120000-abcd1234",
        cluster_name: "shared-analytics",
        spark_version: "15.4.x-scala2.12",
        node_type_id: "i3.xlarge",
        num_workers: 2,
        state: "RUNNING",
        cluster_source: "UI",
        data_security_mode: "USER_ISOLATION",
        creator_user_name: user,
      },
      {
        cluster_id: "0101-120000-jobs5678",
        cluster_name: "job-1-run-1",
        spark_version: "15.4.x-scala2.12",
        node_type_id: "i3.xlarge",
        num_workers: 1,
        state: "TERMINATED",
        cluster_source: "JOB",
        data_security_mode: "SINGLE_USER",
        single_user_name: user,
        creator_user_name: user,
      },
    ],
    policies: [
      {
        policy_id: "ABCDEF0123456789",
        name: "Job Compute",
        definition: JSON.stringify({
          cluster_type: { type: "fixed", value: "job" },
          spark_version: { type: "unlimited", defaultValue: "auto:latest-lts" },
          num_workers: { type: "range", maxValue: 10, defaultValue: 2 },
        }),
        description: "Default policy for job clusters.",
        is_default: true,
      },
      {
        policy_id: "0123456789ABCDEF",
        name: "Small clusters",
        definition: JSON.stringify({
          node_type_id: {
            type: "allowlist",
            values: ["i3.xlarge", "m5d.large", "Standard_DS3_v2", "n2-standard-4"],
          },
          "autoscale.max_workers": { type: "range", maxValue: 4 },
        }),
        description: "Up to four workers on small node types.",
      },
    ],
    workspaceObjects: [
      { path: "/Shared", object_type: "DIRECTORY" },
      { path: "/Shared/etl", object_type: "DIRECTORY" },
      {
        path: "/Shared/etl/ingest",
        object_type: "NOTEBOOK",
        language: "PYTHON",
        content: "# Databricks notebook source\nprint('ingest')\n",
      },
      {
        path: "/Shared/etl/transform",
        object_type: "NOTEBOOK",
        language: "PYTHON",
        content: "# Databricks notebook source\nprint('transform')\n",
      },
      {
        path: "/Shared/etl/report",
        object_type: "NOTEBOOK",
        language: "SQL",
        content: "-- Databricks notebook source\nSELECT 1\n",
      },
      {
        path: "/Shared/etl/fail__fail__",
        object_type: "NOTEBOOK",
        language: "PYTHON",
        content: "# Databricks notebook source\nraise Exception('boom')\n",
      },
      { path: "/Shared/scripts", object_type: "DIRECTORY" },
      { path: "/Shared/scripts/main.py", object_type: "FILE", content: "print('hello from main.py')\n" },
      { path: "/Shared/scripts/queries.sql", object_type: "FILE", content: "SELECT current_date();\n" },
      { path: "/Users", object_type: "DIRECTORY" },
      { path: `/Users/${user}`, object_type: "DIRECTORY" },
      { path: `/Users/${user}/notebooks`, object_type: "DIRECTORY" },
      {
        path: `/Users/${user}/notebooks/daily_report`,
        object_type: "NOTEBOOK",
        language: "PYTHON",
        content: "# Databricks notebook source\nprint('daily report')\n",
      },
      {
        path: `/Users/${user}/notebooks/cleanup`,
        object_type: "NOTEBOOK",
        language: "SQL",
        content: "-- Databricks notebook source\nVACUUM events\n",
      },
    ],
    warehouses: [
      {
        id: "a1b2c3d4e5f60718",
        name: "Serverless Starter Warehouse",
        state: "RUNNING",
        cluster_size: "Small",
        warehouse_type: "PRO",
        enable_serverless_compute: true,
        enable_photon: true,
        auto_stop_mins: 10,
        min_num_clusters: 1,
        max_num_clusters: 1,
      },
      {
        id: "0f1e2d3c4b5a6978",
        name: "Classic BI Warehouse",
        state: "STOPPED",
        cluster_size: "Medium",
        warehouse_type: "CLASSIC",
        enable_serverless_compute: false,
        enable_photon: true,
        auto_stop_mins: 45,
        min_num_clusters: 1,
        max_num_clusters: 2,
      },
    ],
    pipelines: [
      {
        pipeline_id: "1a2b3c4d-0000-4000-8000-00000000c0de",
        name: "sales-dlt",
        state: "IDLE",
        continuous: false,
        catalog: "main",
        target: "sales",
      },
      {
        pipeline_id: "5e6f7a8b-0000-4000-8000-0000000057ea",
        name: "events-streaming",
        state: "RUNNING",
        continuous: true,
        catalog: "main",
        target: "events",
      },
    ],
  };
}
