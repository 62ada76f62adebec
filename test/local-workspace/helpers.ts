import { Config, WorkspaceClient } from "@databricks/sdk-experimental";
import type { LocalWorkspace } from "../../src/dev/local-workspace/index.js";

/** The official SDK pointed at a local workspace, with no environment or ~/.databrickscfg influence. */
export function sdkFor(ws: LocalWorkspace, token = ws.token): WorkspaceClient {
  return new WorkspaceClient(
    new Config({ host: ws.url, token, authType: "pat", loaders: [], retryTimeoutSeconds: 5 }),
  );
}

/** Raw HTTP for what the SDK cannot send (malformed JSON, missing token, control endpoints). */
export async function raw(
  ws: LocalWorkspace,
  method: string,
  path: string,
  body?: string,
  token: string | null = ws.token,
) {
  const response = await fetch(ws.url + path, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

export const notebookJob = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  tasks: [
    {
      task_key: "ingest",
      notebook_task: { notebook_path: "/Shared/etl/ingest" },
      job_cluster_key: "main",
    },
  ],
  job_clusters: [
    {
      job_cluster_key: "main",
      new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 1 },
    },
  ],
  ...extra,
});

export async function waitFor<T>(
  fn: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (done(value)) return value;
    if (Date.now() > end)
      throw new Error(`condition not reached in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
