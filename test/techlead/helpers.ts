/** Shared fixtures for the LLM Tech Lead tests. */
import type { WorkspaceJob } from "../../src/domain/model.js";
import type { DocHit, RequirementDoc, TechLeadTools } from "../../src/techlead/types.js";

export function requirement(
  file: string,
  body: string,
  frontMatter: Record<string, unknown> = {},
): RequirementDoc {
  const fm = Object.keys(frontMatter).length ? `---\n${JSON.stringify(frontMatter)}\n---\n` : "";
  return { file, text: `${fm}${body}`, frontMatter, body, bodyLine: fm ? fm.split("\n").length : 1 };
}

export function job(job_id: number, name: string, extra: Record<string, unknown> = {}): WorkspaceJob {
  return {
    job_id,
    settings: {
      name,
      tasks: [{ task_key: "main", notebook_task: { notebook_path: `/Repos/etl/${name}` } }],
      ...extra,
    },
  };
}

export interface RecordingTools extends TechLeadTools {
  calls: Array<{ tool: string; arg?: string }>;
}

/** In-memory Tech Lead tools over a fixed workspace view; records every call. */
export function recordingTools(
  jobs: WorkspaceJob[] = [],
  paths: string[] = [],
  docs: DocHit[] = [],
): RecordingTools {
  const calls: RecordingTools["calls"] = [];
  return {
    calls,
    searchDocs(query) {
      calls.push({ tool: "searchDocs", arg: query });
      return docs;
    },
    async listNodeTypes() {
      calls.push({ tool: "listNodeTypes" });
      return [{ node_type_id: "i3.xlarge", memory_mb: 31232, num_cores: 4 }];
    },
    async listSparkVersions() {
      calls.push({ tool: "listSparkVersions" });
      return [{ key: "15.4.x-scala2.12", name: "15.4 LTS" }];
    },
    async listWarehouses() {
      calls.push({ tool: "listWarehouses" });
      return [{ id: "wh-1", name: "Shared SQL" }];
    },
    async findJobsByName(name) {
      calls.push({ tool: "findJobsByName", arg: name });
      return jobs.filter((j) => j.settings.name === name);
    },
    async pathExists(path) {
      calls.push({ tool: "pathExists", arg: path });
      return paths.includes(path);
    },
  };
}

/** A work item in the strict envelope shape the prompt asks for. */
export function envelopeItem(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    key: "item",
    action: "create",
    settings_json: null,
    new_settings_json: null,
    fields_to_remove: null,
    target_job_id: null,
    target_name: null,
    run_job_parameters_json: null,
    run_only: null,
    depends_on: [],
    priority: null,
    explanation: [],
    questions: [],
    ...fields,
  };
}

export const ORDERS_SETTINGS = {
  name: "orders-daily",
  tasks: [{ task_key: "ingest_orders", notebook_task: { notebook_path: "/Repos/etl/ingest_orders" } }],
  schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "Europe/Berlin", pause_status: "UNPAUSED" },
  email_notifications: { on_failure: ["data-eng@example.com"] },
};

export function createOrdersAnswer(settings: Record<string, unknown> = ORDERS_SETTINGS): {
  items: unknown[];
} {
  return {
    items: [
      envelopeItem({
        key: "orders_daily",
        settings_json: JSON.stringify(settings),
        explanation: [{ field: "schedule.quartz_cron_expression", words: "every day at 6:00" }],
      }),
    ],
  };
}

export const ORDERS_PROSE =
  "Run the notebook /Repos/etl/ingest_orders every day at 6:00 Berlin time and email data-eng@example.com on failure.";
