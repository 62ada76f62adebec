/**
 * Permissions API 2.0 for jobs: GET (direct grants + the inherited admins grant), PUT (replace direct grants; the job
 * keeps exactly one IS_OWNER), PATCH (add/update grants), permissionLevels.
 */
import type { JsonObject } from "../../domain/model.js";
import { describeValue, invalidParameter, missingField, notFound } from "./errors.js";
import type { Grant, WorkspaceState } from "./store.js";
import { isObject } from "../../domain/json.js";

const LEVELS = ["CAN_VIEW", "CAN_MANAGE_RUN", "CAN_MANAGE", "IS_OWNER"];
const PRINCIPALS = ["user_name", "group_name", "service_principal_name"] as const;

export const ownerGrant = (user: string): Grant => ({ user_name: user, permission_level: "IS_OWNER" });

const principalOf = (grant: Grant): string =>
  PRINCIPALS.map((p) => (grant[p] ? `${p}:${grant[p]}` : "")).join("");

/** Parses an access_control_list (create body, PUT/PATCH body); errors name the entry and field. */
export function grantsFromAcl(value: unknown, field: string): Grant[] {
  if (!Array.isArray(value))
    throw invalidParameter(`Invalid value for ${field}: expected an array, got ${describeValue(value)}.`);
  return value.map((entry, index) => {
    const path = `${field}[${index}]`;
    if (!isObject(entry))
      throw invalidParameter(`Invalid value for ${path}: expected an object, got ${describeValue(entry)}.`);
    const given = PRINCIPALS.filter((p) => entry[p] !== undefined && entry[p] !== null);
    if (given.length !== 1) {
      throw invalidParameter(
        `Invalid value for ${path}: exactly one of user_name, group_name or service_principal_name must be set (found ${given.length}).`,
      );
    }
    const principal = given[0];
    const name = entry[principal];
    if (typeof name !== "string" || name.length === 0)
      throw invalidParameter(
        `Invalid value for ${path}.${principal}: expected a non-empty string, got ${describeValue(name)}.`,
      );
    const level = entry.permission_level;
    if (level === undefined) throw missingField(`${path}.permission_level`);
    if (typeof level !== "string" || !LEVELS.includes(level)) {
      throw invalidParameter(
        `Invalid value for ${path}.permission_level: '${String(level)}' is not one of ${LEVELS.join(", ")}.`,
      );
    }
    if (level === "IS_OWNER" && principal === "group_name") {
      throw invalidParameter(
        `Invalid value for ${path}: a group cannot be the owner of a job; IS_OWNER must go to a user or a service principal.`,
      );
    }
    return { [principal]: name, permission_level: level } as Grant;
  });
}

function requireJobForPermissions(state: WorkspaceState, id: string): Grant[] {
  if (!/^\d+$/.test(id) || !state.jobs[id]) throw notFound(`Job ${id} does not exist.`);
  return state.permissions[id] ?? [];
}

export function renderPermissions(id: string, grants: Grant[]): JsonObject {
  const acl: JsonObject[] = [];
  for (const grant of grants) {
    const principal = PRINCIPALS.find((p) => grant[p]);
    if (!principal) continue;
    const existing = acl.find((e) => e[principal] === grant[principal]);
    const permission = { permission_level: grant.permission_level, inherited: false };
    if (existing) (existing.all_permissions as JsonObject[]).push(permission);
    else
      acl.push({
        [principal]: grant[principal],
        ...(principal === "user_name" ? { display_name: grant.user_name } : {}),
        all_permissions: [permission],
      });
  }
  acl.push({
    group_name: "admins",
    all_permissions: [{ permission_level: "CAN_MANAGE", inherited: true, inherited_from_object: ["/jobs/"] }],
  });
  return { object_id: `/jobs/${id}`, object_type: "job", access_control_list: acl };
}

function checkOneOwner(grants: Grant[]): void {
  const owners = grants.filter((g) => g.permission_level === "IS_OWNER").length;
  if (owners !== 1) throw invalidParameter("The job must have exactly one owner.");
}

export function getPermissions(state: WorkspaceState, id: string): JsonObject {
  return renderPermissions(id, requireJobForPermissions(state, id));
}

/** PUT: replaces every direct grant. Without an IS_OWNER entry the current owner is kept. */
export function setPermissions(state: WorkspaceState, id: string, body: JsonObject): JsonObject {
  const current = requireJobForPermissions(state, id);
  const grants = grantsFromAcl(body.access_control_list ?? [], "access_control_list");
  const next = grants.some((g) => g.permission_level === "IS_OWNER")
    ? grants
    : [...current.filter((g) => g.permission_level === "IS_OWNER"), ...grants];
  checkOneOwner(next);
  state.permissions[id] = next;
  return renderPermissions(id, next);
}

/** PATCH: adds or updates grants; an IS_OWNER entry transfers ownership. */
export function updatePermissions(state: WorkspaceState, id: string, body: JsonObject): JsonObject {
  const current = requireJobForPermissions(state, id);
  if (body.access_control_list === undefined) throw missingField("access_control_list");
  const grants = grantsFromAcl(body.access_control_list, "access_control_list");
  let next = [...current];
  if (grants.some((g) => g.permission_level === "IS_OWNER"))
    next = next.filter((g) => g.permission_level !== "IS_OWNER");
  for (const grant of grants) {
    next = next.filter((g) => principalOf(g) !== principalOf(grant) || g.permission_level === "IS_OWNER");
    next.push(grant);
  }
  checkOneOwner(next);
  state.permissions[id] = next;
  return renderPermissions(id, next);
}

export function permissionLevels(state: WorkspaceState, id: string): JsonObject {
  requireJobForPermissions(state, id);
  return {
    permission_levels: [
      { permission_level: "CAN_VIEW", description: "Can view the job and its runs" },
      { permission_level: "CAN_MANAGE_RUN", description: "Can view, trigger and cancel runs" },
      { permission_level: "CAN_MANAGE", description: "Can edit, delete and change permissions" },
      { permission_level: "IS_OWNER", description: "Owner of the job" },
    ],
  };
}
