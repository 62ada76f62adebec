/** Contracts of the Tech Lead persona: requirement → work items (task files). */
import type { Interpretation, JsonObject, WorkspaceJob } from "../domain/model.js";

export interface LlmSettings {
  /** Serving endpoint / model name. */
  model: string;
  /** OpenAI-compatible base URL; default `<DATABRICKS_HOST>/serving-endpoints`. */
  baseUrl?: string;
  /** Returns a fresh API key / token for every request (OAuth refresh). Never logged. */
  apiKey: () => Promise<string>;
  /** Bounded repair attempts after validation errors. */
  maxRepairs?: number;
  timeoutMs?: number;
  /**
   * The workspace's default Foundation Model endpoint, chosen because no LLM setting was given: when it is not
   * there (404, refused, unreachable) prose is read by the offline interpreter, with a warning, instead of BLOCKED.
   */
  isDefault?: boolean;
}

/** A requirement file as read from the repo. */
export interface RequirementDoc {
  /** Repo-relative path, e.g. "jobs/orders-daily.md". */
  file: string;
  text: string;
  frontMatter: JsonObject;
  /** Markdown body (prose). */
  body: string;
  /** 1-based line where the body starts in `text`. */
  bodyLine: number;
}

export interface DocHit {
  id: string;
  source: string;
  heading: string;
  text: string;
  score: number;
}

/** What the Tech Lead may look up while interpreting (also the LLM's tools). */
export interface TechLeadTools {
  searchDocs(query: string, k?: number): DocHit[] | Promise<DocHit[]>;
  listNodeTypes(): Promise<Array<{ node_type_id: string; memory_mb?: number; num_cores?: number }>>;
  listSparkVersions(): Promise<Array<{ key: string; name: string }>>;
  listWarehouses(): Promise<Array<{ id: string; name: string }>>;
  findJobsByName(name: string): Promise<WorkspaceJob[]>;
  pathExists(path: string): Promise<boolean>;
}

export interface InterpretContext {
  /** Jobs that exist in the workspace (for update / delete / run targets). */
  existingJobs: WorkspaceJob[];
  tools: TechLeadTools;
}

/** Turns a prose requirement into work items (offline interpreter or LLM). */
export interface ProseInterpreter {
  readonly kind: "interpreter" | "llm";
  interpret(requirement: RequirementDoc, context: InterpretContext): Promise<Interpretation>;
}
