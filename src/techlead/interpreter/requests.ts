/**
 * The exact Jobs API requests the Worker would send for an interpretation (`jobagent interpret FILE --json`):
 * `{requests, questions}`, with `requests` empty whenever anything must be asked. Pure.
 */
import type { ApiRequest, Interpretation, JsonObject, WorkspaceJob } from "../../domain/model.js";
import { buildUpdateBody } from "./update.js";

export function toApiRequests(
  interp: Interpretation,
  existingJobs: WorkspaceJob[],
): { requests: ApiRequest[]; questions: string[] } {
  const questions = interp.items.flatMap((i) => i.questions ?? []);
  if (questions.length) return { requests: [], questions };
  const requests: ApiRequest[] = [];
  const problems: string[] = [];
  for (const item of interp.items) {
    const jobId =
      item.target?.job_id ??
      (item.target?.name
        ? existingJobs.find((j) => j.settings.name === item.target?.name)?.job_id
        : undefined);
    switch (item.action) {
      case "create":
        if (!item.settings) problems.push(`${item.key}: a create item without settings`);
        else requests.push({ endpoint: "jobs/create", body: structuredClone(item.settings) as JsonObject });
        break;
      case "delete":
        if (jobId === undefined) problems.push(`${item.key}: which job should be deleted?`);
        else requests.push({ endpoint: "jobs/delete", body: { job_id: jobId } });
        break;
      case "run": {
        if (jobId === undefined) {
          problems.push(`${item.key}: which job should run?`);
          break;
        }
        const body: JsonObject = { job_id: jobId };
        if (item.run?.job_parameters && Object.keys(item.run.job_parameters).length)
          body.job_parameters = item.run.job_parameters;
        if (item.run?.only?.length) body.only = item.run.only;
        requests.push({ endpoint: "jobs/run-now", body });
        break;
      }
      case "update": {
        if (jobId === undefined) {
          problems.push(`${item.key}: which job should change?`);
          break;
        }
        if (item.patch) {
          const body: JsonObject = { job_id: jobId, new_settings: item.patch.new_settings };
          if (item.patch.fields_to_remove?.length) body.fields_to_remove = item.patch.fields_to_remove;
          requests.push({ endpoint: "jobs/update", body });
        } else if (item.settings) {
          const existing = existingJobs.find((j) => j.job_id === jobId);
          if (!existing) {
            problems.push(`${item.key}: job ${jobId} does not exist in the workspace`);
            break;
          }
          const patch = buildUpdateBody(existing.settings, item.settings);
          const body: JsonObject = { job_id: jobId, new_settings: patch.new_settings };
          if (patch.fields_to_remove.length) body.fields_to_remove = patch.fields_to_remove;
          requests.push({ endpoint: "jobs/update", body });
        } else problems.push(`${item.key}: an update item with neither patch nor settings`);
        break;
      }
    }
  }
  if (problems.length) return { requests: [], questions: problems };
  return { requests, questions: [] };
}
