/**
 * Jobs API vocabularies shared by the schema, the service rules, normalisation, rendering and the interpreter —
 * all read from the generated job schema (./job-schema.ts), none typed by hand.
 */
import { enumValues, fieldsOf } from "./job-schema.js";

/** Every task type field of a Jobs API 2.2 task (a task has exactly one): the Task fields named `*_task`. */
export const TASK_TYPES: readonly string[] = fieldsOf("Task").filter((f) => f.endsWith("_task"));

/** git_source.git_provider values (the API compares them case-insensitively). */
export const GIT_PROVIDERS: readonly string[] = enumValues("GitProvider");

/** tasks[].run_if values. */

/** Top-level fields of the job settings (JobSettings). */
export const JOB_SETTINGS_FIELDS: readonly string[] = fieldsOf("JobSettings");

/** Fields of a task (Task). */
export const TASK_FIELDS: readonly string[] = fieldsOf("Task");

/** Fields jobs/get returns beside `settings` (Job): never part of a jobs/create body. */
export const JOB_OUTPUT_FIELDS: readonly string[] = fieldsOf("Job");

/** Webhook notification events (WebhookNotifications). */
export const WEBHOOK_EVENTS: readonly string[] = fieldsOf("WebhookNotifications");

/** access_control_list[].permission_level values (JobPermissionLevel). */
export const PERMISSION_LEVELS: readonly string[] = enumValues("JobPermissionLevel");

/** The principal fields of an access control entry (JobAccessControlRequest minus permission_level). */
export const PRINCIPAL_FIELDS: readonly string[] = fieldsOf("JobAccessControlRequest").filter(
  (f) => f !== "permission_level",
);
