/**
 * CONTRACT STUB (owned by the requirements/validation helper; replace the bodies, keep the signatures).
 * Requirement files: markdown under the jobs directory with optional structured front matter.
 */
import type { Diagnostic, Interpretation } from "../domain/model.js";
import type { RequirementDoc } from "../techlead/types.js";

export interface LoadedRequirements {
  docs: RequirementDoc[];
  /** Files that could not be read or parsed (each names the file, the problem and the fix). */
  diagnostics: Diagnostic[];
}

/** Every requirement file under `<repoDir>/<jobsDir>` (recursively, skipping dot-dirs such as `.tasks`), sorted by path. */
export async function loadRequirements(repoDir: string, jobsDir: string): Promise<LoadedRequirements> {
  void repoDir;
  void jobsDir;
  throw new Error("not implemented");
}

/** Parses one requirement (front matter with a YAML engine safe against bombs; body; line numbers). */
export function parseRequirement(file: string, text: string): { doc?: RequirementDoc; diagnostics: Diagnostic[] } {
  void file;
  void text;
  throw new Error("not implemented");
}

/** The structured (front matter) part of a requirement as work items; undefined when it has none (prose only). */
export function interpretStructured(doc: RequirementDoc): Interpretation | undefined {
  void doc;
  throw new Error("not implemented");
}
