/**
 * `jobagent migrate-targets [--target T] [--yes]`: a project that had jobs before it declared `targets:` recorded
 * them in `<jobs>/.tasks/` under the ownership id `<project>`; each target owns `<project>@<target>` and keeps its
 * task files in `.tasks/<target>/`, so no target manages those jobs (and the first target would create new ones
 * next to them). This moves them into one target (default: the first): the job's `jobagent-repo` tag becomes
 * `<project>@<target>` and its task file moves to `.tasks/<target>/`. Without --yes it only says what it would do.
 * Jobs tagged for another project, already in the target or gone from the workspace are left alone and reported.
 */
import type { EngineOptions } from "../../engine/api.js";
import { ownerRepoOf, REPO_TAG } from "../../state/ownership.js";
import { FileTaskStore } from "../../state/task-store.js";
import type { CommandContext } from "./context.js";

export async function runMigrateTargets(ctx: CommandContext, options: EngineOptions): Promise<number> {
  const target = options.target;
  if (!target)
    throw ctx.usage("migrate-targets needs `targets:` in jobagent.yml (it moves jobs into one of them)");
  const legacyId = options.repo.slice(0, options.repo.length - target.name.length - 1);
  const legacy = new FileTaskStore(options.repoDir, options.jobsDir);
  const into = new FileTaskStore(options.repoDir, options.jobsDir, target.name);
  const recorded = (await legacy.list()).tasks.filter((t) => t.job_id !== undefined);
  const present = new Set((await into.list()).tasks.map((t) => t.id));
  const apply = ctx.values.yes === true;
  if (recorded.length === 0) {
    ctx.out(`No job recorded in ${options.jobsDir}/.tasks/ before targets: nothing to migrate.`);
    return 0;
  }
  let moved = 0;
  let skipped = 0;
  for (const task of recorded) {
    const jobId = task.job_id!;
    const skip = (why: string) => {
      skipped++;
      ctx.out(`skip  ${task.id} (job ${jobId}): ${why}`);
    };
    if (present.has(task.id)) {
      skip(`target ${target.name} already has a task file for it`);
      continue;
    }
    const job = await options.workspace.getJob(jobId);
    if (!job) {
      skip("the job is gone from the workspace; delete its task file or re-plan");
      continue;
    }
    if (ownerRepoOf(job) !== legacyId) {
      skip(`tagged ${REPO_TAG}=${ownerRepoOf(job) ?? "(none)"}, not ${legacyId}`);
      continue;
    }
    moved++;
    ctx.out(
      `${apply ? "moved" : "would move"} ${task.id} (job ${jobId}, "${job.settings.name}") → target ${target.name}`,
    );
    if (!apply) continue;
    const tags = { ...(job.settings.tags ?? {}), [REPO_TAG]: options.repo };
    await options.workspace.updateJob(jobId, { tags }, []);
    await into.write(task);
    await legacy.remove(task.id);
  }
  ctx.out(
    apply
      ? `\n${moved} job(s) moved into target ${target.name} (tag ${REPO_TAG}=${options.repo}), ${skipped} left alone. Commit ${options.jobsDir}/.tasks/, then \`jobagent plan --target ${target.name}\`.`
      : `\n${moved} job(s) would move into target ${target.name}, ${skipped} left alone. Re-run with --yes to do it.`,
  );
  return 0;
}
