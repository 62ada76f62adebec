/**
 * Checks the action planners share: workspace preflight, requirement-vs-plan consistency, the job's grants and the
 * ownership messages.
 */
import type { Diagnostic, FieldChange, JobSettings, JsonObject, WorkspaceJob } from "../../domain/model.js";
import { checkConsistency } from "../../techlead/interpreter/index.js";
import { foreignOwnerOf } from "../../state/ownership.js";
import { diag, messageOf, report, type TaskScope } from "./scope.js";

/** Workspace preflight of settings (clusters, warehouses, paths…); a workspace that cannot be read is an error. */
export async function runPreflight(s: TaskScope, settings: JobSettings): Promise<void> {
  try {
    for (const d of await s.preflight.check(settings, s.vctx)) report(s, d);
  } catch (error) {
    s.errors.push(
      diag(
        s,
        "error",
        "preflight.unavailable",
        "",
        `the workspace could not be checked: ${messageOf(error)}`,
        "Check the Databricks host and token, then re-run the plan.",
      ),
    );
  }
}

/** Does the plan say what the requirement's prose says? Advisory unless strict consistency is on. */
export function consistency(s: TaskScope, desired: JobSettings): void {
  const { doc, task } = s;
  if (!doc || task.source === "interpreter" || task.source === "removed" || doc.body.trim() === "") return;
  try {
    const strict = s.ctx.options.strictConsistency === true;
    for (const d of checkConsistency(doc, { ...s.item }, desired))
      (strict ? s.errors : s.warnings).push({ ...d, severity: strict ? "error" : "warning" });
  } catch {
    // The consistency check is advisory; an interpreter failure must not stop the plan.
  }
}

/** The error for a job the project does not own, with a fix that works for the action. */
export function notManaged(s: TaskScope, job: WorkspaceJob, what: "update" | "delete"): Diagnostic {
  const owner = foreignOwnerOf(job, s.ctx.options.repo);
  const why = owner
    ? `it belongs to ${owner}`
    : s.snapshot.unrecorded().includes(job)
      ? "it carries this project's tags but was not created by it (made by hand or copied with Clone job)"
      : "this project did not create or adopt it";
  return diag(
    s,
    "error",
    "ownership.not-managed",
    `${what}.job`,
    `job ${job.job_id} ("${job.settings.name ?? ""}") is not managed by this project: ${why}; the agent will not ${what} it`,
    what === "delete"
      ? "Delete it by hand in the workspace if it should go; the agent deletes only jobs this project created or adopted."
      : "Add `adopt: true` to the update block to take the job over explicitly (it will carry this project's ownership tags).",
    job.job_id,
  );
}

const principal = (e: JsonObject) => String(e.user_name ?? e.group_name ?? e.service_principal_name ?? "");
const kindOf = (e: JsonObject) =>
  e.user_name !== undefined
    ? "user_name"
    : e.group_name !== undefined
      ? "group_name"
      : "service_principal_name";

/** The job's direct grants (inherited ones skipped) and its owner. */
function directGrants(current: JsonObject): {
  direct: Map<string, string>;
  /** The direct grants as access_control_list entries (what a requirement would write to keep them). */
  entries: JsonObject[];
  owner?: JsonObject;
} {
  const direct = new Map<string, string>();
  const entries: JsonObject[] = [];
  let owner: JsonObject | undefined;
  for (const entry of (current.access_control_list as JsonObject[] | undefined) ?? []) {
    for (const p of (entry.all_permissions as JsonObject[] | undefined) ?? []) {
      if (p.inherited) continue;
      if (p.permission_level === "IS_OWNER")
        owner = { [kindOf(entry)]: principal(entry), permission_level: "IS_OWNER" };
      else {
        direct.set(principal(entry), String(p.permission_level));
        entries.push({ [kindOf(entry)]: principal(entry), permission_level: String(p.permission_level) });
      }
    }
  }
  return owner ? { direct, entries, owner } : { direct, entries };
}

/** Desired direct grants vs. the job's (owner kept: a PUT must leave exactly one IS_OWNER). */
export async function comparePermissions(
  s: TaskScope,
  jobId: number,
  wanted: JsonObject[],
): Promise<{ field?: FieldChange; put: JsonObject[]; workspace: JsonObject[] } | undefined> {
  let current: JsonObject;
  try {
    current = await s.ctx.options.workspace.getJobPermissions(jobId);
  } catch (error) {
    s.warnings.push(
      diag(
        s,
        "warning",
        "permissions.unreadable",
        "access_control_list",
        `the grants of job ${jobId} could not be read (${messageOf(error)}); they are not compared`,
        "Give the agent's identity CAN_MANAGE on the job.",
      ),
    );
    return undefined;
  }
  const { direct, entries, owner } = directGrants(current);
  const grants = wanted.filter((w) => w.permission_level !== "IS_OWNER");
  const wantedMap = new Map(grants.map((w) => [principal(w), String(w.permission_level)]));
  const wantsOwner = wanted.find((w) => w.permission_level === "IS_OWNER");
  const same =
    wantedMap.size === direct.size &&
    [...wantedMap].every(([who, level]) => direct.get(who) === level) &&
    (!wantsOwner || (owner !== undefined && principal(wantsOwner) === principal(owner)));
  const put = [
    ...wanted.filter((w) => w.permission_level !== "IS_OWNER" || w === wantsOwner),
    ...(!wantsOwner && owner ? [owner] : []),
  ];
  if (same) return { put, workspace: entries };
  const describe = (entries: Array<[string, string]>) =>
    entries.sort().map(([who, level]) => `${who}: ${level}`);
  return {
    put,
    workspace: entries,
    field: {
      path: "access_control_list",
      kind: "change",
      before: describe([...direct]),
      after: describe([...wantedMap]),
      category: "permissions",
    },
  };
}
