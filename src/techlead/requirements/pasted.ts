/**
 * Jobs pasted as they come out of Databricks. A data engineer's first requirement is usually a job they already
 * have: the JSON of the job page's "View JSON", the output of `databricks jobs get` / `jobs list`, or a bundle's
 * `resources: jobs:` YAML — pasted into the markdown body as a fenced code block, or under `job:` in the front
 * matter. Read as prose, such a block is nonsense to the interpreter; read as what it is, it is a structured job.
 *
 * Two things happen here, both before the structured reader sees the front matter:
 * - a fenced block of the body (```json, ```yaml, ```yml or no language) whose value is a job becomes the
 *   requirement's `job:` (several blocks: `jobs:`, keyed by name), when the front matter defines no job itself; the
 *   block's lines are blanked in the body, so the prose around it is read as prose and nothing else;
 * - a `jobs/get` answer (`{job_id, settings, creator_user_name, …}`) is unwrapped to its settings — in a block or
 *   under `job:` / `jobs.<key>:` — with its read-only fields left out (the SDK's `Job` type names them) and a
 *   `run_as` that only names the creator (the service's default) dropped. Its job_id is not adopted: a paste often
 *   comes from another workspace; a warning says how to take that job over (`adopt: <id>`).
 * Every field keeps its line: paths of the synthesized front matter are looked up in the block they came from.
 */
import MarkdownIt from "markdown-it";
import type { Diagnostic } from "../../domain/model.js";
import { JOB_OUTPUT_FIELDS, JOB_SETTINGS_FIELDS } from "../../domain/vocabulary.js";
import { FrontMatterError, parseYamlBlock } from "./frontmatter.js";
import { ACTION_KEYS, slug } from "./structured.js";
import { BUNDLE_FIELDS } from "../../state/ownership.js";

type Obj = Record<string, unknown>;
type LineOf = (path: string) => number | undefined;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Languages of a fenced block that may hold a pasted job (JSON is YAML 1.2; no language is common in pastes). */
const BLOCK_LANGUAGES = new Set(["", "json", "yaml", "yml"]);
/** A block that names tasks was meant as a job: when it cannot be read, say so instead of ignoring it. */
const LOOKS_LIKE_A_JOB = /["']?\b(?:tasks|task_key)["']?\s*:/;

export interface WithPasted {
  data: Obj;
  body: string;
  lineOf: LineOf | undefined;
  diagnostics: Diagnostic[];
}

/** One synthesized path prefix (`job`, `jobs.orders`) and where its fields sit in the text they came from. */
interface Source {
  at: string;
  from: string;
  lineOf: LineOf;
}

/** A job found in a block: its settings and where they are in the block. */
interface Found {
  settings: Obj;
  /** Path of the settings inside the block's value ("" for the value itself). */
  from: string;
  /** The bundle key of a `resources.jobs.<key>` entry. */
  key?: string;
  jobId?: unknown;
  /** Path of the jobs/get answer inside the block ("" for the value itself, `jobs[2]` in a jobs list). */
  answerAt?: string;
}

/** The requirement's front matter and body with pasted jobs read as structured ones (see the module comment). */
export function withPastedJobs(
  file: string,
  data: Obj,
  body: string,
  bodyLine: number,
  lineOf: LineOf | undefined,
): WithPasted {
  const diagnostics: Diagnostic[] = [];
  const sources: Source[] = [];
  const frontLine: LineOf = (path) => lineOf?.(path);
  let out = data;

  // A jobs/get answer under job: or jobs.<key>: in the front matter.
  const unwrapAt = (at: string, value: unknown): unknown => {
    const got = jobsGetSettings(value);
    if (!got) return value;
    sources.push({ at, from: `${at}.settings`, lineOf: frontLine });
    const adopted = data.adopt;
    if (got.jobId !== undefined && String(adopted) !== String(got.jobId))
      diagnostics.push(pastedJobId(file, frontLine(`${at}.job_id`) ?? frontLine(at) ?? 1, got.jobId));
    return unclaimed(got.settings, file, frontLine(at) ?? 1, diagnostics);
  };
  if (isObj(data.job) || isObj(data.jobs)) {
    out = { ...data };
    if (isObj(data.job)) out.job = unwrapAt("job", data.job);
    if (isObj(data.jobs))
      out.jobs = Object.fromEntries(
        Object.entries(data.jobs).map(([key, value]) => [key, unwrapAt(`jobs.${key}`, value)]),
      );
  }

  let text = body;
  if (!ACTION_KEYS.some((k) => data[k] !== undefined) && (body.includes("```") || body.includes("~~~"))) {
    const pasted = pastedBlocks(file, body, bodyLine, data.adopt);
    diagnostics.push(...pasted.diagnostics);
    if (pasted.jobs.length > 0) {
      out = { ...out };
      const lines = body.split("\n");
      for (const block of pasted.blocks) for (let i = block.start; i < block.end; i++) lines[i] = "";
      text = lines.join("\n");
      if (pasted.jobs.length === 1 && pasted.jobs[0]?.found.key === undefined) {
        const only = pasted.jobs[0];
        out.job = unclaimed(only.found.settings, file, only.line, diagnostics);
        sources.push({ at: "job", from: only.found.from, lineOf: only.lineOf });
      } else {
        const jobs: Obj = {};
        for (const { found, lineOf: blockLine, line } of pasted.jobs) {
          const key = found.key ?? (slug(String(found.settings.name ?? "")) || "job");
          if (jobs[key] !== undefined) {
            diagnostics.push({
              severity: "error",
              code: "requirement.pasted-duplicate",
              file,
              line,
              path: `jobs.${key}`,
              value: key,
              message: `${file}:${line}: two pasted jobs have the key '${key}' (from their names or bundle keys)`,
              fix: "give each pasted job its own name, or keep one job per requirement file",
            });
            continue;
          }
          jobs[key] = unclaimed(found.settings, file, line, diagnostics);
          sources.push({ at: `jobs.${key}`, from: found.from, lineOf: blockLine });
        }
        out.jobs = jobs;
      }
    }
  }
  if (sources.length === 0) return { data: out, body: text, lineOf, diagnostics };
  return { data: out, body: text, lineOf: remapped(sources, frontLine), diagnostics };
}

/**
 * The settings of a jobs/get answer, else undefined: `settings` beside read-only fields of a Job and no field of the
 * settings themselves. The service answers with fields its SDK does not know yet (`run_as_owner`), so a field that
 * is neither a Job's nor a JobSettings' is taken as one more read-only field.
 */
function jobsGetSettings(value: unknown): { settings: Obj; jobId?: unknown } | undefined {
  if (!isObj(value) || !isObj(value.settings)) return undefined;
  const keys = Object.keys(value);
  if (!keys.some((k) => k !== "settings" && JOB_OUTPUT_FIELDS.includes(k))) return undefined;
  if (keys.some((k) => JOB_SETTINGS_FIELDS.includes(k))) return undefined;
  const settings = { ...value.settings };
  // run_as naming the job's creator is what the service reports for a job that runs as its owner.
  const runAs = settings.run_as;
  const creator = value.creator_user_name;
  if (
    isObj(runAs) &&
    Object.keys(runAs).length === 1 &&
    typeof runAs.user_name === "string" &&
    runAs.user_name === creator
  )
    delete settings.run_as;
  return value.job_id === undefined ? { settings } : { settings, jobId: value.job_id };
}

/**
 * A pasted job that a bundle deployed (`deployment.kind: BUNDLE`, as jobs/get and `bundle validate` show it) without
 * the bundle's claim on it: created or adopted with that claim, the job would stay locked as the bundle's.
 */
function unclaimed(settings: Obj, file: string, line: number, diagnostics: Diagnostic[]): Obj {
  const deployment = settings.deployment;
  if (!isObj(deployment) || deployment.kind !== "BUNDLE") return settings;
  const out = { ...settings };
  for (const field of BUNDLE_FIELDS) delete out[field];
  diagnostics.push({
    severity: "warning",
    code: "requirement.pasted-bundle-job",
    file,
    line,
    path: "deployment",
    message: `${file}:${line}: the pasted job was deployed by a Databricks Asset Bundle; its ${BUNDLE_FIELDS.join(" and ")} (the bundle's claim on the job, which locks it) are left out`,
    fix: "if the bundle still deploys this job, unbind it there (`databricks bundle deployment unbind <resource key>`) before this repository manages it, so the two do not overwrite each other",
  });
  return out;
}

/**
 * Job settings: a tasks list (or a task of the Jobs API 2.0 single-task format). A bare block must also name the job:
 * every whole definition Databricks gives has a name, while a nameless `{"tasks": […]}` is a fragment a ticket
 * shows ("add this task to orders-daily") — reading it as a new job would plan a create the ticket never asked for.
 */
function isJobSettings(value: unknown, named: boolean): value is Obj {
  if (!isObj(value)) return false;
  if (named && typeof value.name !== "string") return false;
  if (Array.isArray(value.tasks)) return value.tasks.every(isObj);
  return typeof value.name === "string" && Object.keys(value).some((k) => k.endsWith("_task"));
}

/** The jobs a block's value holds, with their paths inside it. */
function jobsOf(value: unknown, file: string, line: number, diagnostics: Diagnostic[]): Found[] {
  const got = jobsGetSettings(value);
  if (got) return [{ settings: got.settings, from: "settings", jobId: got.jobId, answerAt: "" }];
  if (isJobSettings(value, true)) return [{ settings: value, from: "" }];
  if (!isObj(value)) return [];
  // `databricks jobs list -o json`: {jobs: [<jobs/get answer>, …]}.
  if (Array.isArray(value.jobs) && value.jobs.length > 0 && value.jobs.every((j) => jobsGetSettings(j))) {
    return value.jobs.map((job, i) => {
      const one = jobsGetSettings(job) as { settings: Obj; jobId?: unknown };
      return {
        settings: one.settings,
        from: `jobs[${i}].settings`,
        jobId: one.jobId,
        answerAt: `jobs[${i}]`,
      };
    });
  }
  // A bundle's resources (databricks.yml, or the job page's "View as code" YAML).
  if (isObj(value.resources) && isObj(value.resources.jobs)) {
    const others = Object.keys(value.resources).filter((k) => k !== "jobs");
    if (others.length > 0)
      diagnostics.push({
        severity: "warning",
        code: "requirement.pasted-other-resources",
        file,
        line,
        path: "",
        value: others,
        message: `${file}:${line}: the pasted block also defines resources.${others.join(", resources.")}; jobagent manages jobs only, so those are left out`,
        fix: "keep those resources in a bundle (databricks bundle deploy), or remove them from the block",
      });
    return Object.entries(value.resources.jobs).flatMap(([key, job]) =>
      isObj(job) ? [{ settings: job, from: `resources.jobs.${key}`, key }] : [],
    );
  }
  // The front matter's own forms written in a block: `job: {…}` or `jobs: {<key>: {…}}`.
  if (isJobSettings(value.job, false)) return [{ settings: value.job, from: "job" }];
  if (isObj(value.jobs) && Object.values(value.jobs).every((job) => isJobSettings(job, false)))
    return Object.entries(value.jobs).map(([key, job]) => ({
      settings: job as Obj,
      from: `jobs.${key}`,
      key,
    }));
  return [];
}

interface Blocks {
  jobs: Array<{ found: Found; lineOf: LineOf; line: number }>;
  /** Body line ranges (0-based, end exclusive) of the blocks that held jobs. */
  blocks: Array<{ start: number; end: number }>;
  diagnostics: Diagnostic[];
}

/** Made when a body first holds a fence (most requirements have none). */
let markdown: InstanceType<typeof MarkdownIt> | undefined;

function pastedBlocks(file: string, body: string, bodyLine: number, adopt: unknown): Blocks {
  const out: Blocks = { jobs: [], blocks: [], diagnostics: [] };
  for (const token of (markdown ??= new MarkdownIt("commonmark")).parse(body, {})) {
    if (token.type !== "fence" || !token.map) continue;
    const language = token.info.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
    if (!BLOCK_LANGUAGES.has(language)) continue;
    const [start, end] = token.map;
    const fenceLine = bodyLine + start;
    let parsed: { value: unknown; lineOf: LineOf };
    try {
      parsed = parseYamlBlock(token.content, fenceLine + 1);
    } catch (error) {
      if (error instanceof FrontMatterError && LOOKS_LIKE_A_JOB.test(token.content)) {
        const line = error.line ?? fenceLine;
        const reason = error.message.replace(/^invalid YAML in front matter: /, "");
        out.diagnostics.push({
          severity: "error",
          code: "requirement.pasted-syntax",
          file,
          line,
          path: "",
          message: `${file}:${line}: the ${language || "code"} block at line ${fenceLine} looks like a pasted job but cannot be read: ${reason}`,
          fix: `fix the ${language === "json" ? "JSON" : "YAML"} at that line (a missing comma or quote, a comment in JSON), or take the block out if it is not the job's definition`,
        });
      }
      continue;
    }
    const found = jobsOf(parsed.value, file, fenceLine, out.diagnostics);
    if (found.length === 0) continue;
    out.blocks.push({ start, end });
    for (const job of found) {
      out.jobs.push({ found: job, lineOf: parsed.lineOf, line: fenceLine });
      if (job.jobId !== undefined && String(adopt) !== String(job.jobId))
        out.diagnostics.push(
          pastedJobId(
            file,
            parsed.lineOf(job.answerAt ? `${job.answerAt}.job_id` : "job_id") ?? fenceLine,
            job.jobId,
          ),
        );
    }
  }
  return out;
}

function pastedJobId(file: string, line: number, jobId: unknown): Diagnostic {
  const id = String(jobId);
  return {
    severity: "warning",
    code: "requirement.pasted-job-id",
    file,
    line,
    path: "job_id",
    value: jobId,
    message: `${file}:${line}: this is the jobs/get answer of job ${id}; its settings are read and its read-only fields (job_id, creator_user_name, created_time, …) left out. The plan creates a job with these settings: it does not change job ${id}`,
    fix: `to manage job ${id} itself instead, add 'adopt: ${id}' to the front matter (or run \`jobagent import --job-id ${id}\`); to keep a new job, remove job_id from the block`,
  };
}

/** The line of a path of the synthesized front matter: looked up where its prefix came from. */
function remapped(sources: Source[], front: LineOf): LineOf {
  return (path) => {
    for (const source of sources) {
      if (path !== source.at && !path.startsWith(`${source.at}.`) && !path.startsWith(`${source.at}[`))
        continue;
      const rest = path.slice(source.at.length).replace(/^\./, "");
      const inner =
        source.from === ""
          ? rest
          : rest === ""
            ? source.from
            : `${source.from}${rest.startsWith("[") ? "" : "."}${rest}`;
      return source.lineOf(inner) ?? source.lineOf(source.from);
    }
    return front(path);
  };
}
