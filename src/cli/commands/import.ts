/**
 * `jobagent import`: existing workspace jobs → one requirement file per job that adopts it (`adopt: <job id>`), so the
 * next plan shows the job as adopted with only the ownership tags to add. Selectors: --job-id N, --name X, --tag k=v
 * (each repeatable) and --all-unmanaged (needs --yes). A job deployed by a bundle or owned by another repository is
 * imported only with --take-over; an existing file is overwritten only with --force.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EngineOptions } from "../../engine/api.js";
import type { WorkspaceJob } from "../../domain/model.js";
import { ownerRepoOf, WorkspaceSnapshot } from "../../state/ownership.js";
import type { CommandContext } from "./context.js";
import { importedSettings, requirementText, slug } from "./import-format.js";
import { runBundleImport } from "./import-bundle.js";

const USAGE =
  "usage: jobagent import (--job-id N | --name NAME | --tag KEY=VALUE)... | --all-unmanaged --yes | --bundle databricks.yml [--target T]  [--force] [--take-over]";

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

interface Selection {
  jobs: WorkspaceJob[];
  problems: string[];
}

function select(ctx: CommandContext, snapshot: WorkspaceSnapshot): Selection {
  const v = ctx.values;
  const ids = list(v["job-id"]);
  const names = list(v.name);
  const tags = list(v.tag);
  const all = v["all-unmanaged"] === true;
  if (ids.length + names.length + tags.length === 0 && !all) throw ctx.usage(USAGE);
  const picked = new Map<number, WorkspaceJob>();
  const problems: string[] = [];
  const take = (found: { job?: WorkspaceJob; problem?: string }) =>
    found.job ? picked.set(found.job.job_id, found.job) : problems.push(found.problem ?? "job not found");
  for (const raw of ids) {
    const id = Number(raw);
    if (!Number.isInteger(id) || id <= 0)
      throw ctx.usage(`--job-id must be a job id (a number), found "${raw}"`);
    take(snapshot.resolve({ job_id: id }));
  }
  for (const name of names) take(snapshot.resolve({ name }));
  for (const tag of tags) {
    const eq = tag.indexOf("=");
    if (eq <= 0) throw ctx.usage(`--tag must be KEY=VALUE, found "${tag}"`);
    const [key, value] = [tag.slice(0, eq), tag.slice(eq + 1)];
    const matches = [...snapshot.jobs.values()].filter((j) => j.settings.tags?.[key] === value);
    if (matches.length === 0) problems.push(`no job is tagged ${key}=${value}`);
    for (const job of matches) picked.set(job.job_id, job);
  }
  if (all)
    for (const job of snapshot.jobs.values())
      if (ownerRepoOf(job) === undefined && !isBundleJob(job)) picked.set(job.job_id, job);
  return { jobs: [...picked.values()].sort((a, b) => a.job_id - b.job_id), problems };
}

function isBundleJob(job: WorkspaceJob): boolean {
  return (job.settings.deployment as { kind?: string } | undefined)?.kind === "BUNDLE";
}

/** Why a job needs --take-over (undefined: it may be imported), or that it is already this repo's. */
function ownershipProblem(job: WorkspaceJob, repo: string): { skip?: string; refuse?: string } {
  const name = `job ${job.job_id} ("${job.settings.name ?? ""}")`;
  const owner = ownerRepoOf(job);
  if (owner === repo) return { skip: `${name} is already managed by this repository` };
  if (owner !== undefined)
    return {
      refuse: `${name} is managed by the repository ${owner} (tag jobagent-repo). Remove its requirement there (or the job's jobagent-repo / jobagent-task tags), then re-run with --take-over`,
    };
  if (isBundleJob(job)) {
    const meta = (job.settings.deployment as { metadata_file_path?: string }).metadata_file_path;
    return {
      refuse: `${name} was deployed by a Databricks Asset Bundle${meta ? ` (${meta})` : ""}; its next \`databricks bundle deploy\` would overwrite this repository's changes. Unbind it there first (\`databricks bundle deployment unbind <resource key>\` in the bundle's directory), then re-run with --take-over (the import drops deployment/edit_mode, which unlocks the job)`,
    };
  }
  return {};
}

export async function runImport(ctx: CommandContext, options: EngineOptions): Promise<number> {
  if (ctx.args.length > 0) throw ctx.usage(USAGE);
  if (typeof ctx.values.bundle === "string") return runBundleImport(ctx, ctx.values.bundle);
  const snapshot = await WorkspaceSnapshot.read(options.workspace, options.repo);
  const { jobs, problems } = select(ctx, snapshot);
  for (const p of problems) ctx.log.error(p);
  if (ctx.values["all-unmanaged"] === true && ctx.values.yes !== true) {
    ctx.out(`--all-unmanaged would import ${jobs.length} job(s):`);
    for (const j of jobs) ctx.out(`  ${j.job_id}  ${j.settings.name ?? ""}`);
    ctx.out("Nothing written: re-run with --yes to import them.");
    return 1;
  }
  let failed = problems.length > 0;
  const usedPaths = new Set<string>();
  let written = 0;
  for (const listed of jobs) {
    const outcome = await importOne(ctx, options, listed, usedPaths);
    if (outcome === "failed") failed = true;
    if (outcome === "written") written++;
  }
  ctx.out(
    written > 0
      ? `\nImported ${written} job(s). Next: \`jobagent plan\` shows each as adopted with only the ownership tags to add; \`jobagent apply\` takes them over.`
      : "\nNothing imported.",
  );
  return failed ? 1 : 0;
}

async function importOne(
  ctx: CommandContext,
  options: EngineOptions,
  listed: WorkspaceJob,
  usedPaths: Set<string>,
): Promise<"written" | "skipped" | "failed"> {
  const job = (await options.workspace.getJob(listed.job_id)) ?? listed;
  const { skip, refuse } = ownershipProblem(job, options.repo);
  if (skip) {
    ctx.out(`skipped ${skip}`);
    return "skipped";
  }
  if (refuse && ctx.values["take-over"] !== true) {
    ctx.log.error(`not imported: ${refuse}`);
    return "failed";
  }
  if (refuse) ctx.log.warn(`taking over: ${refuse}`);
  const imported = importedSettings(job);
  let rel = `${ctx.jobsDir}/${slug(String(imported.settings.name ?? `job-${job.job_id}`))}.md`;
  if (usedPaths.has(rel)) rel = rel.replace(/\.md$/, `-${job.job_id}.md`);
  usedPaths.add(rel);
  const abs = join(ctx.repoDir, rel);
  if (existsSync(abs) && ctx.values.force !== true) {
    ctx.log.error(`not imported: ${rel} exists (job ${job.job_id}); --force overwrites it`);
    return "failed";
  }
  await mkdir(join(ctx.repoDir, ctx.jobsDir), { recursive: true });
  await writeFile(abs, requirementText(job, imported));
  ctx.out(`wrote   ${rel}  (job ${job.job_id} "${imported.settings.name ?? ""}")`);
  for (const r of imported.secrets)
    ctx.log.warn(
      `${rel}: ${r.path} held an inline ${r.kind}; it was replaced by ${r.reference}. Store the value with \`databricks secrets put-secret ${r.scope} ${r.key}\` before applying (the plan shows this field as a change).`,
    );
  return "written";
}
