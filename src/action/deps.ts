/** What the action's flows receive: parsed inputs, the run's context and a port for every tool. */
import type { ApplyOptions, ApplyResult, EngineOptions, PlanResult, TechLeadResult } from "../engine/api.js";
import type { StatusResult } from "../engine/index.js";
import type { GitPort } from "../adapters/git/port.js";
import type { GitHubPort } from "../adapters/github/port.js";
import type { Workspace } from "../adapters/databricks/port.js";
import type { PlanRenderer } from "./comment.js";
import type { GitHubContext } from "./context.js";
import type { ActionInputs } from "./inputs.js";
import type { TargetConfig } from "../state/targets-config.js";
import type { ActionLogger, JobSummary, Outputs, Redactor } from "./report.js";

/** The engine entry points the action wraps (src/engine/index.ts). */
export interface Engine {
  runTechLead(options: EngineOptions, requirements?: string[]): Promise<TechLeadResult>;
  runPlan(options: EngineOptions, planOptions?: { record?: boolean; drift?: boolean }): Promise<PlanResult>;
  runApply(options: EngineOptions, applyOptions: ApplyOptions): Promise<ApplyResult>;
  readStatus(options: Pick<EngineOptions, "repoDir" | "jobsDir">): Promise<StatusResult>;
}

export interface ActionDeps {
  inputs: ActionInputs;
  context: GitHubContext;
  engine: Engine;
  /** undefined when no GitHub token is available. */
  github?: GitHubPort;
  git: GitPort;
  /** The workspace to plan/apply against; undefined when there are no Databricks credentials (fork PRs). */
  workspace(): Promise<Workspace | undefined>;
  /** The workspace of a deployment target (credentials: ./targets.ts); undefined when it has none. */
  targetWorkspace(target: TargetConfig): Promise<Workspace | undefined>;
  /** LLM settings for the Tech Lead (undefined: structured requirements only). */
  llm(): Promise<EngineOptions["llm"]>;
  log: ActionLogger;
  summary: JobSummary;
  outputs: Outputs;
  redactor: Redactor;
  render?: PlanRenderer;
  /** The renderer for a target's plan (job links to that target's workspace). */
  renderFor?(host: string | undefined): PlanRenderer;
}
