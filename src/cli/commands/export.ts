/**
 * `jobagent export --bundle DIR`: the jobs the requirements define, as a Databricks Asset Bundle a team can deploy
 * with `databricks bundle deploy` at any time: `DIR/databricks.yml` (bundle name, `include: resources/*.yml`, one
 * default target) and `DIR/resources/<job key>.yml` per job. A run_job_task that runs another exported job becomes
 * `${resources.jobs.<key>.id}`; access_control_list becomes bundle `permissions`. Structured requirements only:
 * prose, update, run and delete items are listed as left out.
 */
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { stringify } from "yaml";
import type { WorkItem } from "../../domain/model.js";
import { interpretStructured, parseRequirement } from "../../techlead/requirements/index.js";
import { taskIdOf } from "../../techlead/techlead.js";
import { stableIdOf } from "../../techlead/requirements/stable-id.js";
import type { CommandContext } from "./context.js";
import { slug } from "./import-format.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const PRINCIPALS = ["user_name", "group_name", "service_principal_name"];

interface Exported {
  key: string;
  taskId: string;
  item: WorkItem;
  file: string;
}

async function requirementFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".md") && !join(e.parentPath, e.name).includes(".tasks"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function collect(ctx: CommandContext): Promise<{ jobs: Exported[]; left: string[] }> {
  const jobs: Exported[] = [];
  const left: string[] = [];
  for (const abs of await requirementFiles(join(ctx.repoDir, ctx.jobsDir))) {
    const rel = relative(ctx.repoDir, abs).split("\\").join("/");
    const { doc } = parseRequirement(rel, await readFile(abs, "utf8"));
    const interpretation = doc ? interpretStructured(doc) : undefined;
    if (!interpretation || interpretation.diagnostics.some((d) => d.severity === "error")) {
      left.push(
        `${rel}: ${interpretation ? "has validation errors" : "prose (run `jobagent interpret` on it)"}`,
      );
      continue;
    }
    for (const item of interpretation.items) {
      if (!item.settings) {
        left.push(`${rel}: ${item.action} item '${item.key}' (not a job definition)`);
        continue;
      }
      let key = slug(item.key).replace(/-/g, "_");
      while (jobs.some((j) => j.key === key)) key = `${key}_${jobs.length}`;
      jobs.push({
        key,
        taskId: taskIdOf(ctx.jobsDir, rel, item.key, stableIdOf(doc?.frontMatter)),
        item,
        file: rel,
      });
    }
  }
  return { jobs, left };
}

/** Bundle form of one job's settings. */
function bundleSettings(job: Exported, all: Exported[]): Obj {
  const s = structuredClone(job.item.settings) as Obj;
  if (Array.isArray(s.access_control_list)) {
    s.permissions = s.access_control_list.filter(isObj).map((e) => {
      const who = PRINCIPALS.find((p) => typeof e[p] === "string");
      return { level: e.permission_level, ...(who ? { [who]: e[who] } : {}) };
    });
    delete s.access_control_list;
  }
  const deps = (job.item.depends_on ?? [])
    .map((d) => all.find((j) => j.taskId === d || (j.file === job.file && j.item.key === d)))
    .filter((j): j is Exported => j !== undefined);
  if (Array.isArray(s.tasks))
    for (const t of s.tasks) {
      const rj = isObj(t) ? t.run_job_task : undefined;
      if (isObj(rj) && rj.job_id === undefined && deps.length === 1)
        rj.job_id = `\${resources.jobs.${deps[0]!.key}.id}`;
    }
  return s;
}

export async function runExport(ctx: CommandContext): Promise<number> {
  const dir = ctx.values.bundle;
  if (typeof dir !== "string" || ctx.args.length > 0)
    throw ctx.usage("usage: jobagent export --bundle DIR [--force]");
  const out = join(ctx.repoDir, dir);
  if (existsSync(join(out, "databricks.yml")) && ctx.values.force !== true)
    throw ctx.usage(`${dir}/databricks.yml exists; --force overwrites the bundle`);
  const { jobs, left } = await collect(ctx);
  const name = slug((await ctx.repoIdentity()).split("/").pop() ?? "jobs").replace(/-/g, "_");
  await mkdir(join(out, "resources"), { recursive: true });
  const root = {
    bundle: { name },
    include: ["resources/*.yml"],
    targets: { default: { default: true } },
  };
  await writeFile(
    join(out, "databricks.yml"),
    `# Written by \`jobagent export --bundle\` from ${ctx.jobsDir}/. Set workspace.host (or DATABRICKS_HOST), then:\n#   databricks bundle validate && databricks bundle deploy\n${stringify(root)}`,
  );
  for (const job of jobs) {
    const text = stringify(
      { resources: { jobs: { [job.key]: bundleSettings(job, jobs) } } },
      { lineWidth: 0 },
    );
    await writeFile(join(out, "resources", `${job.key}.yml`), `# From ${job.file}\n${text}`);
    ctx.out(`wrote   ${dir}/resources/${job.key}.yml  (${job.file})`);
  }
  ctx.out(`wrote   ${dir}/databricks.yml  (bundle ${name}, ${jobs.length} job(s))`);
  for (const l of left) ctx.log.warn(`left out: ${l}`);
  return 0;
}
