/**
 * The bundle's `${...}` substitution (see bundle.ts): `${var.<name>}` (and `${var.<name>.<field>}` of complex
 * variables), `${bundle.name}`, `${bundle.target}`, `${workspace.current_user.userName}`,
 * `${workspace.current_user.short_name}`, `${workspace.root_path}`, `${workspace.file_path}`,
 * `${workspace.artifact_path}`, `${workspace.host}`; `${resources.jobs.<key>.id}` only as a run_job_task's job_id.
 * A string that is exactly one reference takes the referenced value (a complex variable stays an object).
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

export interface Scope {
  vars: Record<string, unknown>;
  /** Every other known reference (`bundle.name`, `workspace.file_path`, ...). */
  values: Record<string, string>;
  jobKeys: string[];
}

export interface Unresolved {
  segments: Array<string | number>;
  reference: string;
  why: string;
  fix: string;
}

const REF = /\$\{([^}]*)\}/g;

function lookupRef(ref: string, scope: Scope): { value?: unknown; why?: string; fix?: string } {
  if (ref.startsWith("var.")) {
    const [name, ...fields] = ref.slice(4).split(".");
    if (!name || !(name in scope.vars))
      return {
        why: `variable '${name ?? ""}' is not declared (or has no value for this target)`,
        fix: `declare it under variables: with a default, set it in the target, or export BUNDLE_VAR_${name ?? "name"}`,
      };
    let value: unknown = scope.vars[name];
    for (const f of fields) {
      if (!isObj(value) || !(f in value))
        return {
          why: `complex variable '${name}' has no field '${f}'`,
          fix: `check the fields of variables.${name}.default`,
        };
      value = value[f];
    }
    return { value };
  }
  if (ref in scope.values) return { value: scope.values[ref] };
  if (/^resources\.jobs\.[^.]+\.id$/.test(ref))
    return {
      why: "a job id reference is only understood as a run_job_task's job_id",
      fix: "use it in run_job_task.job_id, or write the literal job id",
    };
  if (ref.startsWith("resources."))
    return {
      why: "references to other resource types (pipelines, clusters, …) are resolved by `databricks bundle deploy` only",
      fix: "write the literal id of the deployed resource",
    };
  return { why: "unknown reference", fix: `use one of: var.<name>, ${Object.keys(scope.values).join(", ")}` };
}

function substituteString(
  text: string,
  scope: Scope,
  segments: Array<string | number>,
  out: Unresolved[],
): unknown {
  const whole = /^\$\{([^}]*)\}$/.exec(text);
  if (whole) {
    const found = lookupRef(whole[1] as string, scope);
    if (found.why) {
      out.push({ segments, reference: text, why: found.why, fix: found.fix ?? "" });
      return text;
    }
    return typeof found.value === "string"
      ? substituteString(found.value, scope, segments, out)
      : found.value;
  }
  return text.replace(REF, (match, ref: string) => {
    const found = lookupRef(ref, scope);
    if (found.why || isObj(found.value) || Array.isArray(found.value)) {
      out.push({
        segments,
        reference: match,
        why: found.why ?? "a complex value cannot be part of a string",
        fix: found.fix ?? "reference one field of it: ${var.<name>.<field>}",
      });
      return match;
    }
    return String(found.value);
  });
}

/** Substitutes every reference in `node` (a fresh copy); run_job_task job ids naming bundle jobs go to `runs`. */
export function interpolate(
  node: unknown,
  scope: Scope,
  segments: Array<string | number>,
  out: Unresolved[],
  runs: string[],
): unknown {
  if (typeof node === "string") return substituteString(node, scope, segments, out);
  if (Array.isArray(node)) return node.map((v, i) => interpolate(v, scope, [...segments, i], out, runs));
  if (!isObj(node)) return node;
  const copy: Obj = {};
  for (const [k, v] of Object.entries(node)) {
    const jobRef = typeof v === "string" ? /^\$\{resources\.jobs\.([^.}]+)\.id\}$/.exec(v) : null;
    if (k === "job_id" && segments[segments.length - 1] === "run_job_task" && jobRef) {
      const key = jobRef[1] as string;
      if (scope.jobKeys.includes(key)) {
        runs.push(key); // the job_id is filled in by the planner from the dependency
        continue;
      }
      out.push({
        segments: [...segments, k],
        reference: v as string,
        why: `no job '${key}' in this bundle`,
        fix: `use one of: ${scope.jobKeys.join(", ")}`,
      });
    }
    copy[k] = interpolate(v, scope, [...segments, k], out, runs);
  }
  return copy;
}

/** Variable values: target override > BUNDLE_VAR_<name> > default; lookups are reported (they need the workspace). */
export function variableValues(
  declared: Obj,
  targetValues: Obj,
  env: Record<string, string | undefined>,
  report: (name: string, why: string, fix: string) => void,
): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const [name, decl] of Object.entries(declared)) {
    const d = isObj(decl) ? decl : { default: decl };
    const fromTarget = targetValues[name];
    if (isObj(fromTarget) && fromTarget.lookup !== undefined) {
      report(
        name,
        "a lookup variable needs the workspace to resolve",
        `set a value: export BUNDLE_VAR_${name}=<id>`,
      );
    } else if (fromTarget !== undefined)
      vars[name] = isObj(fromTarget) && "default" in fromTarget ? fromTarget.default : fromTarget;
    else if (env[`BUNDLE_VAR_${name}`] !== undefined) vars[name] = env[`BUNDLE_VAR_${name}`];
    else if (d.lookup !== undefined && env[`BUNDLE_VAR_${name}`] === undefined)
      report(
        name,
        `'${name}' is a lookup (${Object.keys(d.lookup as Obj).join(", ")}), which only the Databricks CLI resolves against the workspace`,
        `set its value for this reader: export BUNDLE_VAR_${name}=<id>`,
      );
    else if ("default" in d) vars[name] = d.default;
  }
  return vars;
}
