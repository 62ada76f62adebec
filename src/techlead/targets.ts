/**
 * The Tech Lead's view of deployment targets: which requirements a target applies, and the settings it applies for
 * them. A requirement limits itself and adds its own overrides with a `targets:` key in its front matter:
 *
 * ```yaml
 * targets: [dev, prod]          # only these targets apply this requirement
 * # or, with per-target overrides (bundle target merge rules):
 * targets:
 *   dev: {}
 *   prod:
 *     job_clusters: [{ job_cluster_key: main, new_cluster: { num_workers: 16 } }]
 * ```
 */
import type { Diagnostic, Interpretation, JsonObject, WorkItem } from "../domain/model.js";
import { didYouMean } from "../domain/schema.js";
import { settingsForTarget, targetPrefix, type TargetIdentity, type TargetSpec } from "../domain/targets.js";
import type { RequirementDoc } from "./types.js";

export interface ActiveTarget extends TargetSpec {
  identity: TargetIdentity;
  /** Names of every declared target (to check a requirement's `targets:`). */
  declared: string[];
}

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

interface RequirementTargets {
  names?: string[];
  overrides: Record<string, JsonObject>;
  diagnostics: Diagnostic[];
}

function readRequirementTargets(doc: RequirementDoc, target: ActiveTarget): RequirementTargets {
  const raw = doc.frontMatter.targets;
  const out: RequirementTargets = { overrides: {}, diagnostics: [] };
  if (raw === undefined) return out;
  const problem = (message: string, fix: string, path = "targets"): void => {
    out.diagnostics.push({
      severity: "error",
      code: "requirement.targets",
      file: doc.file,
      path,
      message,
      fix,
    });
  };
  if (Array.isArray(raw)) out.names = raw.map(String);
  else if (isObject(raw)) {
    out.names = Object.keys(raw);
    for (const [name, value] of Object.entries(raw)) {
      if (value === null || value === undefined) continue;
      if (isObject(value)) out.overrides[name] = value;
      else
        problem(
          `targets.${name} must be a mapping of job settings overrides`,
          `write \`${name}: {}\` for no overrides`,
          `targets.${name}`,
        );
    }
  } else
    problem(
      "`targets:` must be a list of target names or a mapping of target name → overrides",
      "write e.g. `targets: [dev, prod]`",
    );
  for (const name of out.names ?? []) {
    if (target.declared.includes(name)) continue;
    const near = didYouMean(name, target.declared);
    problem(
      `target "${name}" is not declared in jobagent.yml (targets: ${target.declared.join(", ")})`,
      near ? `did you mean "${near}"?` : "declare it under `targets:` in jobagent.yml or remove it here",
      `targets.${name}`,
    );
  }
  return out;
}

/**
 * The interpretation as one target applies it: nothing when the requirement is limited to other targets; otherwise
 * job definitions with the target's and the requirement's overrides merged and the target's mode applied, and job
 * references (update/run/delete by name) renamed with the target's prefix.
 */
export function interpretationForTarget(
  doc: RequirementDoc,
  interpretation: Interpretation,
  target: ActiveTarget | undefined,
): Interpretation {
  if (!target) return interpretation;
  const limits = readRequirementTargets(doc, target);
  const diagnostics = [...interpretation.diagnostics, ...limits.diagnostics];
  if (limits.names && !limits.names.includes(target.name))
    return { ...interpretation, items: [], diagnostics };
  const own = limits.overrides[target.name];
  const items = interpretation.items.map((item) => itemForTarget(item, target, own));
  return { ...interpretation, items, diagnostics };
}

function itemForTarget(item: WorkItem, target: ActiveTarget, own: JsonObject | undefined): WorkItem {
  const next: WorkItem = { ...item };
  if (item.settings) next.settings = settingsForTarget(item.settings, target, target.identity, own);
  const prefix = targetPrefix(target, target.identity);
  if (prefix && item.target?.name && !item.target.name.startsWith(prefix))
    next.target = { ...item.target, name: prefix + item.target.name };
  if (prefix && item.patch?.new_settings && typeof item.patch.new_settings.name === "string") {
    const name = item.patch.new_settings.name;
    next.patch = {
      ...item.patch,
      new_settings: { ...item.patch.new_settings, name: name.startsWith(prefix) ? name : prefix + name },
    };
  }
  return next;
}
