/**
 * The tools the model may call (OpenAI function calling), backed by the Tech Lead's tools. Results are small,
 * redacted JSON strings; a failing tool answers with an error text instead of throwing.
 */
import type { ChatCompletionTool } from "openai/resources/chat/completions";
import type { TechLeadTools } from "../types.js";
import { redactValue } from "./redact.js";

function fn(
  name: string,
  description: string,
  properties: Record<string, unknown> = {},
  required: string[] = [],
): ChatCompletionTool {
  return {
    type: "function",
    function: {
      name,
      description,
      parameters: { type: "object", additionalProperties: false, properties, required },
      strict: true,
    },
  };
}

export const TOOL_DEFINITIONS: ChatCompletionTool[] = [
  fn(
    "search_docs",
    "Search the Databricks Jobs field reference and notes. Returns the best sections (source, heading, text).",
    { query: { type: "string" } },
    ["query"],
  ),
  fn("list_node_types", "List the node types (VM sizes) available in the workspace."),
  fn(
    "list_spark_versions",
    "List the Databricks Runtime versions (spark_version keys) available in the workspace.",
  ),
  fn("list_warehouses", "List the SQL warehouses (id, name) of the workspace."),
  fn(
    "find_job",
    "Find existing jobs whose name equals the given name. Returns job_id, name and tags.",
    { name: { type: "string" } },
    ["name"],
  ),
  fn("path_exists", "Check whether a workspace notebook or file path exists.", { path: { type: "string" } }, [
    "path",
  ]),
];

const MAX_LIST = 60;
const MAX_RESULT_CHARS = 6000;

function cap(value: unknown): string {
  const text = JSON.stringify(redactValue(value));
  return text.length > MAX_RESULT_CHARS ? `${text.slice(0, MAX_RESULT_CHARS)}…(truncated)` : text;
}

function stringArg(args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== "string" || !value.trim())
    throw new Error(`argument "${name}" must be a non-empty string`);
  return value;
}

/** Runs one tool call; never throws (errors are returned to the model as text). */
export async function executeTool(tools: TechLeadTools, name: string, rawArguments: string): Promise<string> {
  let args: Record<string, unknown>;
  try {
    const parsed: unknown = rawArguments.trim() ? JSON.parse(rawArguments) : {};
    args =
      parsed && typeof parsed === "object" && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
  } catch {
    return JSON.stringify({ error: `the arguments of ${name} are not valid JSON` });
  }
  try {
    switch (name) {
      case "search_docs": {
        const hits = await tools.searchDocs(stringArg(args, "query"), 5);
        return cap(hits.map((h) => ({ source: h.source, heading: h.heading, text: h.text.slice(0, 800) })));
      }
      case "list_node_types": {
        const types = await tools.listNodeTypes();
        return cap({ count: types.length, node_types: types.slice(0, MAX_LIST) });
      }
      case "list_spark_versions": {
        const versions = await tools.listSparkVersions();
        return cap({ count: versions.length, spark_versions: versions.slice(0, MAX_LIST) });
      }
      case "list_warehouses":
        return cap(await tools.listWarehouses());
      case "find_job": {
        const jobs = await tools.findJobsByName(stringArg(args, "name"));
        return cap(
          jobs.map((j) => ({ job_id: j.job_id, name: j.settings.name, tags: j.settings.tags ?? {} })),
        );
      }
      case "path_exists": {
        const path = stringArg(args, "path");
        return JSON.stringify({ path, exists: await tools.pathExists(path) });
      }
      default:
        return JSON.stringify({
          error: `unknown tool "${name}"; available: ${TOOL_DEFINITIONS.map((t) => (t.type === "function" ? t.function.name : "")).join(", ")}`,
        });
    }
  } catch (error) {
    return JSON.stringify({ error: `${name} failed: ${(error as Error).message}` });
  }
}
