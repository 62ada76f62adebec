/**
 * `jobagent import --bundle path/to/databricks.yml [--target T]`: each job of a Databricks Asset Bundle (includes,
 * variables, targets resolved by the bundle reader) → one requirement file `<jobs-dir>/<job key>.md`. A job that
 * runs another bundle job (`${resources.jobs.<key>.id}`) depends on that job's requirement, so the planner fills in
 * the id. Every construct the reader cannot honour is reported with file and line; nothing is written then.
 */
import { existsSync, globSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { stringify } from "yaml";
import { readBundle, type BundleResult } from "../../techlead/requirements/bundle.js";
import { taskIdOf } from "../../techlead/techlead.js";
import type { CommandContext } from "./context.js";
import { slug } from "./import-format.js";

/** Reads a bundle from disk (paths relative to the bundle's directory). */
export function readBundleFile(file: string, target: string | undefined, user: string): BundleResult {
  const dir = dirname(file);
  return readBundle(
    relative(dir, file),
    {
      read: (rel) => {
        const abs = join(dir, rel);
        return existsSync(abs) ? readFileSync(abs, "utf8") : undefined;
      },
      glob: (pattern) =>
        globSync(pattern, { cwd: dir })
          .map((p) => p.split("\\").join("/"))
          .sort(),
    },
    { user, env: process.env, ...(target ? { target } : {}) },
  );
}

export async function runBundleImport(ctx: CommandContext, bundleFile: string): Promise<number> {
  const file = resolve(ctx.repoDir, bundleFile);
  if (!existsSync(file)) throw ctx.usage(`--bundle: ${bundleFile} does not exist`);
  const target = typeof ctx.values.target === "string" ? ctx.values.target : undefined;
  const user = process.env.DATABRICKS_USER ?? "jobagent@localhost";
  const bundle = readBundleFile(file, target, user);
  const shown = relative(ctx.repoDir, dirname(file)) || ".";
  for (const d of bundle.diagnostics)
    ctx.log[d.severity === "error" ? "error" : "warn"](`${shown}/${ctx.formatDiagnostic(d)}`);
  if (bundle.diagnostics.some((d) => d.severity === "error")) {
    ctx.out("Nothing written: fix the bundle constructs above (or set the variables they need).");
    return 1;
  }
  if (bundle.jobs.length === 0) {
    ctx.out(
      `No job found in the bundle${bundle.target ? ` for target ${bundle.target}` : ""} (resources.jobs in ${shown}/${basename(file)} and its includes): nothing written.`,
    );
    return 1;
  }
  const fileOf = (key: string) => `${ctx.jobsDir}/${slug(key)}.md`;
  let failed = false;
  for (const job of bundle.jobs) {
    const rel = fileOf(job.key);
    if (existsSync(join(ctx.repoDir, rel)) && ctx.values.force !== true) {
      ctx.log.error(`not written: ${rel} exists; --force overwrites it`);
      failed = true;
      continue;
    }
    const front: Record<string, unknown> = {
      title: `${String(job.settings.name ?? job.key)} (bundle ${bundle.name}${bundle.target ? `, target ${bundle.target}` : ""})`,
    };
    if (job.runs.length > 0)
      front.depends_on = job.runs.map((k) => taskIdOf(ctx.jobsDir, fileOf(k), slug(k)));
    front.job = job.settings;
    const text = `---\n${stringify(front, { lineWidth: 0 })}---\nJob \`${job.key}\` of the Databricks Asset Bundle \`${bundle.name}\` (${shown}/${job.file}${job.line ? `:${job.line}` : ""}), read by \`jobagent import --bundle\`.\n`;
    await mkdir(join(ctx.repoDir, ctx.jobsDir), { recursive: true });
    await writeFile(join(ctx.repoDir, rel), text);
    ctx.out(`wrote   ${rel}  (bundle job ${job.key})`);
  }
  ctx.out(
    `\n${bundle.jobs.length} bundle job(s) read${bundle.target ? ` for target ${bundle.target}` : ""}. Next: \`jobagent plan\`.`,
  );
  return failed ? 1 : 0;
}
