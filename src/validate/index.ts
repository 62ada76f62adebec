/**
 * CONTRACT STUB (owned by the requirements/validation helper; replace the bodies, keep the signatures).
 * Validate layers 2, 3 and 5 (schema, semantics, inline secrets) are pure; layer 4 (preflight) asks the workspace.
 */
import type { Diagnostic, JobSettings, WorkItem } from "../domain/model.js";
import type { Workspace } from "../workspace/port.js";

export interface ValidationContext {
  /** Repo-relative requirement file named in every diagnostic. */
  file: string;
  /** Prefix for field paths, e.g. "jobs.orders" when the spec sits under that key in the front matter. */
  basePath?: string;
  /** Maps a spec field path to the 1-based line of the requirement file where it is written. */
  lineOf?: (path: string) => number | undefined;
}

/** Schema (JSON Schema, did-you-mean for unknown fields) + semantic service rules + inline-secret refusal. */
export function validateJobSettings(settings: unknown, ctx: ValidationContext): Diagnostic[] {
  void settings;
  void ctx;
  throw new Error("not implemented");
}

/** Validates a work item as a whole (action-specific shape, then its settings / patch / target / run). */
export function validateWorkItem(item: WorkItem, ctx: ValidationContext): Diagnostic[] {
  void item;
  void ctx;
  throw new Error("not implemented");
}

export interface Preflight {
  /** Node types, runtimes, notebook/file paths, warehouses, pipelines, clusters and jobs referenced by id exist. */
  check(settings: JobSettings, ctx: ValidationContext): Promise<Diagnostic[]>;
}

/** One preflight per run: workspace lookups are cached for its lifetime. */
export function createPreflight(workspace: Workspace): Preflight {
  void workspace;
  throw new Error("not implemented");
}
