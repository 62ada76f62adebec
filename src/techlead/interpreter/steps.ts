/**
 * Steps: the code a ticket names (notebooks, Python/SQL files, wheels, SQL queries, dbt, pipelines, other jobs),
 * their names (→ task_key) and what each waits for ("then", "after X", "once A and B are done"). Pure.
 */
import { escapeRegExp } from "../../domain/regexp.js";
import type { WorkspaceJob } from "../../domain/model.js";
import type { Reading, Step, StepKind } from "./reading.js";
import {
  DURATION_RE,
  findIdentifier,
  matchesOf,
  pathStem,
  toTaskKey,
  trimPath,
  WORKSPACE_PATH_RE,
} from "./text.js";

interface RawRef {
  kind: StepKind;
  start: number;
  end: number;
  words: string;
  fields: Partial<Step>;
}

/** "warehouse abc…", "warehouse id abc…", "SQL warehouse: `abc…`", "warehouse_id = abc…". */
const WAREHOUSE_RE = /\bwarehouse(?:[\s_]+id)?(?:\s*[:=]\s*|\s+)`?([0-9a-f]{16})`?/i;
/** A dbt command with the flags written after it ("dbt run --select kpis", "dbt build --full-refresh"). */
const DBT_COMMAND_RE =
  /\bdbt\s+(deps|run|test|seed|build|snapshot|compile|source freshness|docs generate)\b((?:\s+--?[a-z][\w-]*(?:[ =](?!-|(?:and|then|or|on|at|every|with|in|for|daily|nightly|hourly)\b)[^\s`,;]+)?)*)/gi;

/** All code references of one line, in order of appearance. */
function lineRefs(
  text: string,
  gitRelative: boolean,
  existingJobs: WorkspaceJob[],
  mode: "create" | "update",
  whole: string,
  pendingJobs: string[],
): RawRef[] {
  const refs: RawRef[] = [];
  for (const m of matchesOf(WORKSPACE_PATH_RE, text)) {
    const path = trimPath(m[0]);
    if (path.startsWith("/Volumes/") && !/\.(py|sql)$/.test(path)) continue; // a storage location, not code
    // A data or config file is never code to run, and "config=/…" is a parameter's value.
    if (/\.(?:ya?ml|json|txt|csv|conf|cfg|ini|whl|jar|toml|parquet)$/i.test(path)) continue;
    if (/[\w-]\s*=\s*`?$/.test(text.slice(0, m.index))) continue;
    if (/\b(?:project|profiles?)\s+dir(?:ectory)?\s*[:=]?\s*`?$/i.test(text.slice(0, m.index))) continue; // dbt directories
    const kind: StepKind = path.endsWith(".py") ? "python" : path.endsWith(".sql") ? "sql_file" : "notebook";
    refs.push({ kind, start: m.index, end: m.index + m[0].length, words: path, fields: { path } });
  }
  // Other absolute workspace paths the words call code: "the notebook /Production/MakeFeatures".
  for (const m of matchesOf(
    /\b(?:notebook|python\s+file|python\s+script|script)\s+(?:at\s+)?`?(\/[A-Za-z][\w.-]*(?:\/[\w.@-]+)+)/gi,
    text,
  )) {
    const path = trimPath(m[1]);
    const start = m.index + m[0].indexOf(m[1]);
    if (refs.some((r) => r.start <= start && start < r.end)) continue;
    if (/^\/(?:Workspace|Repos|Users|Shared|Volumes|dbfs)\//i.test(path)) continue;
    if (/\.(?:ya?ml|json|txt|csv|conf|cfg|ini|whl|jar|toml|parquet)$/i.test(path)) continue;
    const kind: StepKind = path.endsWith(".py") ? "python" : path.endsWith(".sql") ? "sql_file" : "notebook";
    refs.push({ kind, start, end: start + m[1].length, words: path, fields: { path } });
  }
  // Code files in DBFS or cloud storage ("dbfs:/jobs/x/snapshot.py", "s3://bucket/scripts/run.py").
  for (const m of matchesOf(
    /(?<![\w/])(?:dbfs:|s3a?:\/|abfss:\/|gs:\/|wasbs:\/)\/[^\s,;'"`()]+\.(?:py|sql)\b/g,
    text,
  )) {
    const path = m[0];
    refs.push({
      kind: path.endsWith(".py") ? "python" : "sql_file",
      start: m.index,
      end: m.index + m[0].length,
      words: path,
      fields: { path },
    });
  }
  if (gitRelative) {
    const re = /(?<![\w/:.@-])((?:[\w.-]+\/)+[\w.-]+)(?![\w/])/g;
    for (const m of matchesOf(re, text)) {
      if (/^(?:https?|www\.)/.test(m[1]) || /\.(com|org|net|io)\//.test(m[1]) || /_git\//.test(m[1]))
        continue;
      if (!/\b(notebook|notebooks|run|file|script)\b/i.test(text)) continue;
      const path = trimPath(m[1]);
      const kind: StepKind = path.endsWith(".py")
        ? "python"
        : path.endsWith(".sql")
          ? "sql_file"
          : "notebook";
      refs.push({ kind, start: m.index, end: m.index + m[0].length, words: path, fields: { path } });
    }
  }
  // "package acme_etl", or the package in backticks by the word: "the wheel `acme_etl`", "`acme_etl` wheel"; a
  // line naming an entry point, or a package in a ticket about a wheel ("it's a python wheel:" / "- package name:
  // churn_model, entry point: score"), is a wheel's too.
  const wheelLine =
    /\bwheel\b|\bentry[\s_-]?point\b/i.test(text) ||
    (/\b(?:python\s+)?wheel\b|\.whl\b/i.test(whole) && /\b(?:package|pkg)\b/i.test(text));
  const wheel = wheelLine
    ? (/\b(?:package|pkg)\s*(?:name)?\s*(?:[:=]|\bis\b)?\s*`?((?!is\b)[A-Za-z_][\w.-]*)`?/i.exec(text) ??
      /\b(?:python\s+)?wheel\s+(?:package\s+)?`([A-Za-z_][\w.-]*)`/i.exec(text) ??
      /`([A-Za-z_][\w.-]*)`\s+(?:python\s+)?wheel\b/i.exec(text))
    : null;
  if (wheel) {
    const entry = /\bentry[\s_-]?point\s*(?:[:=]|\bis\b)?\s*`?((?!is\b)[A-Za-z_][\w.-]*)`?/i.exec(text);
    refs.push({
      kind: "wheel",
      start: wheel.index,
      end: entry ? entry.index + entry[0].length : wheel.index + wheel[0].length,
      words: entry ? `${wheel[0]} … ${entry[0]}` : wheel[0],
      fields: { packageName: wheel[1], entryPoint: entry?.[1] },
    });
  }
  // "JAR task, main class com.acme.sessions.SessionizeJob", "main_class_name: com.acme.Etl".
  const jar =
    /\bmain[\s_-]?class(?:[\s_-]?name)?\s*(?:[:=]|\bis\b)?\s*`?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+)`?/i.exec(
      text,
    );
  if (jar) {
    refs.push({
      kind: "jar",
      start: jar.index,
      end: jar.index + jar[0].length,
      words: jar[0],
      fields: { mainClass: jar[1] },
    });
  }
  const query = /\b(?:sql\s+)?query\s+(?:id\s+)?`?([0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-f]{12,})`?/i.exec(text);
  if (query) {
    refs.push({
      kind: "sql_query",
      start: query.index,
      end: query.index + query[0].length,
      words: query[0],
      fields: { queryId: query[1] },
    });
  }
  const dbtCommands = matchesOf(DBT_COMMAND_RE, text);
  if (dbtCommands.length) {
    const projectDir = /\bproject\s+dir(?:ectory)?\s*[:=]?\s*`?(\/?[\w./-]+)`?/i.exec(whole);
    refs.push({
      kind: "dbt",
      start: dbtCommands[0].index,
      end: dbtCommands[dbtCommands.length - 1].index + dbtCommands[dbtCommands.length - 1][0].length,
      // The span from the first command to the last: "dbt deps, then dbt build" runs them in that order.
      words: text.slice(
        dbtCommands[0].index,
        dbtCommands[dbtCommands.length - 1].index + dbtCommands[dbtCommands.length - 1][0].length,
      ),
      fields: {
        commands: dbtCommands.map((c) => `dbt ${c[1].toLowerCase()}${c[2].replace(/\s+/g, " ")}`),
        projectDirectory: projectDir ? trimPath(projectDir[1]) : undefined,
      },
    });
  }
  const pipeline =
    /\bpipeline\s+(?:id\s+)?`?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`?/i.exec(text);
  if (pipeline) {
    refs.push({
      kind: "pipeline",
      start: pipeline.index,
      end: pipeline.index + pipeline[0].length,
      words: pipeline[0],
      fields: {
        pipelineId: pipeline[1],
        // "with a full refresh" → true; "no full refresh", "without a full refresh", "not a full refresh" → the default.
        fullRefresh:
          /\bfull[\s_-]?refresh\b/i.test(text) &&
          !/\b(?:no|not|without|never|don'?t|do\s+not|skip)\s+(?:\w+\s+){0,2}full[\s_-]?refresh\b/i.test(text)
            ? true
            : undefined,
      },
    });
  }
  if (mode === "create") {
    // "trigger the (existing) job "X"" / "run job 4411" as a step of a new job.
    const runJob =
      /\b(?:trigger|run|kick off|start|launch)s?\s+(?:the\s+)?(?:existing\s+)?job\s+(?:["“`']([^"”`']+)["”`']|(?:id\s+|#)?(\d+))/i.exec(
        text,
      );
    if (runJob) {
      const job = runJob[1]
        ? existingJobs.find((j) => (j.settings.name ?? "").toLowerCase() === runJob[1].toLowerCase())
        : existingJobs.find((j) => j.job_id === Number(runJob[2]));
      if (job) {
        refs.push({
          kind: "run_job",
          start: runJob.index,
          end: runJob.index + runJob[0].length,
          words: runJob[0],
          fields: {
            runJobId: job.job_id,
            key: toTaskKey(job.settings.name ?? `job_${job.job_id}`),
            name: job.settings.name,
          },
        });
      }
    } else {
      // "triggers the raw-ingest job": the job's name before the word "job" (an existing job, or one this requirement creates).
      const named =
        /\b(?:trigger|run|kick(?:s)?\s+off|start|launch|call)(?:s|es|ing)?\s+(?:the\s+)?(?:existing\s+)?(?:["“`']([^"”`']+)["”`']|([A-Za-z0-9][\w.-]*[A-Za-z0-9_]))\s+job\b/i.exec(
          text,
        );
      const name = named ? (named[1] ?? named[2]) : undefined;
      const job = name
        ? existingJobs.find((j) => (j.settings.name ?? "").toLowerCase() === name.toLowerCase())
        : undefined;
      const pending =
        name && !job ? pendingJobs.find((p) => p.toLowerCase() === name.toLowerCase()) : undefined;
      if (named && (job || pending)) {
        const jobName = job?.settings.name ?? pending ?? "";
        refs.push({
          kind: "run_job",
          start: named.index,
          end: named.index + named[0].length,
          words: named[0],
          fields: job
            ? { runJobId: job.job_id, key: toTaskKey(jobName || `job_${job.job_id}`), name: jobName }
            : { runJobName: jobName, key: toTaskKey(jobName), name: jobName },
        });
      }
    }
  }
  const warehouse = WAREHOUSE_RE.exec(text) ?? WAREHOUSE_RE.exec(whole);
  for (const r of refs) {
    if (warehouse && (r.kind === "sql_query" || r.kind === "sql_file" || r.kind === "dbt"))
      Object.assign(r.fields, { warehouseId: warehouse[1], warehouseWords: warehouse[0] });
  }
  return refs.sort((a, b) => a.start - b.start);
}

/** A label before the code on its line: "1. Ingest Raw - notebook", "* Load Meta Ads:", `step 2 "Vacuum" =`, "`bronze` (". */
function labelBefore(segment: string, jobName?: string): { name?: string; key?: string } {
  const backticks = matchesOf(/`([\w-]+)`/g, segment);
  if (backticks.length) {
    const last = backticks[backticks.length - 1];
    const between = segment.slice(last.index + last[0].length);
    if (
      /^\s*(?:\(|=|:|-|–|—|->|is\b)?\s*(?:(?:that\s+|which\s+)?(?:(?:should|will|must|shall)\s+(?:do|run|execute)|does|runs?|running|executes?|triggers?|refresh(?:es)?)\b)?\s*(?:(?:the\s+|a\s+)?(?:dlt\s+|sdp\s+)?(?:notebook|file|script|python file|sql file|(?:python\s+)?wheel(?:\s+(?:pkg|package))?|jar)\s*|the\s+|a\s+)?[(:=]?\s*[`"']?$/i.test(
        between,
      )
    )
      return { key: last[1] };
  }
  // A quoted name right before the code, not the job's own name: `then "Build Marts" runs /Repos/…`.
  const quoted =
    /["“]([A-Za-z][^"”]{0,60})["”]\s*(?:(?:runs?|executes?|calls?|uses?|is|does)\b)?\s*(?:(?:the\s+)?(?:notebook|python file|file|script|sql file)\s*)?[(:=–—-]?\s*$/i.exec(
      segment,
    );
  if (quoted && quoted[1] !== jobName && !/\b(?:job|pipeline)\s*:?\s*$/i.test(segment.slice(0, quoted.index)))
    return { name: quoted[1].trim() };
  // "add a task publish_report running /Repos/…": a snake_case key given after "task"/"step" is used verbatim.
  const keyed =
    /\b(?:step|task)\s+(?:called\s+|named\s+|key\s*:?\s*)?([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b(?=[^/]*$)/.exec(
      segment,
    );
  if (
    keyed &&
    !/\b(?:after|once|following|before|wait(?:s|ing)?\s+for|depends?\s+on)\s+(?:the\s+)?$/i.test(
      segment.slice(0, keyed.index),
    )
  )
    return { key: keyed[1] };
  // "Add a step "Notify Downstream" to the job that runs /Repos/…": a step the words introduce by name.
  const introduced =
    /\b(?:step|task)\s+(?:called\s+|named\s+|name\s*:?\s*)?["“]([A-Za-z][^"”]{0,60})["”]/i.exec(segment);
  if (
    introduced &&
    !/\b(?:after|once|following|before|wait(?:s|ing)?\s+for|depends?\s+on)\s+(?:the\s+)?$/i.test(
      segment.slice(0, introduced.index),
    )
  ) {
    return { name: introduced[1].trim() };
  }
  const SEP = String.raw`\s*(?:-|–|—|:|=|->|\()\s*(?:(?:a\s+|the\s+)?(?:notebook|python file|file|script|sql file)\s*)?[(:=]?\s*$`;
  // "add a step Refresh BI Extract (", `step 1 "Compact Telemetry" =`
  const keyword = new RegExp(
    String.raw`\b(?:step|task)\s*(?:\d+\s*)?["“]?([A-Za-z][\w&' -]*?)["”]?` + SEP,
    "i",
  ).exec(segment);
  if (keyword && keyword[1].split(/\s+/).length <= 5) return { name: keyword[1].trim() };
  // A Title Case name right before the code, after a sequencing word or punctuation: "first Land Raw Files (/x)",
  // "steps: Bronze (/x), Silver (/y)".
  const titled =
    /(?:^|[,:;]\s*|\b(?:first|then|next|finally|afterwards|and|step\s+\d+:?)\s+|\b[a-z]+\s+)((?:[A-Z][\w&'-]*)(?:\s+[A-Z0-9][\w&'-]*){0,4})\s*(?:\(|:|=|-|–|—|->)\s*(?:(?:the\s+)?(?:notebook|python file|file|script|sql file)\s*)?[(:=]?\s*$/.exec(
      segment,
    );
  const notAName =
    /^(?:Run|Runs|Execute|Then|First|Next|Notebook|Job|Step|Task|Please|The|Create|New|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|UTC|CET|Berlin|London|New|Pacific|Eastern|Central|Sydney|Singapore|Amsterdam|Chicago)$/;
  if (titled && !notAName.test(titled[1].split(/\s+/)[0]) && !/\bjob\b/i.test(titled[1])) {
    return { name: titled[1].trim() };
  }
  // A list item or line label: "1. Ingest Raw - notebook", "* Load Meta Ads:"
  const cleaned = segment.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, "");
  const m = new RegExp(String.raw`^["“]?([A-Za-z][\w&' -]*?)["”]?` + SEP, "i").exec(cleaned);
  if (!m) return {};
  const name = m[1].trim();
  const words = name.split(/\s+/);
  if (
    words.length > 5 ||
    // …and the generic labels of a list of facts ("Script: /x", "Notebook: /y", "Code path: /z").
    (/^(?:run|runs|execute|schedule|trigger|then|first|after|create|set|please|pls|plz|every|job|new|the|notebook|rebuild|refresh|load|build|script|file|path|code|program|python|py|nb|ipynb|sql|query|command|source|entrypoint)$/i.test(
      words[0],
    ) &&
      !/^[A-Z]/.test(words[1] ?? ""))
  )
    return {};
  if (/\bjob\b/i.test(name)) return {};
  // With "(" as separator only a Name In Title Case counts ("Rebuild the aggregates (…)" is a sentence).
  if (/\(\s*(?:notebook\s*)?$/i.test(cleaned) && !words.every((w) => /^[A-Z0-9]/.test(w))) return {};
  return { name };
}

function defaultKey(ref: RawRef): string {
  switch (ref.kind) {
    case "notebook":
    case "python":
    case "sql_file":
      return toTaskKey(pathStem(ref.fields.path ?? "task"));
    case "wheel":
      // The entry point is what runs (as a notebook's or file's last path segment is); the package is where it lives.
      return toTaskKey(ref.fields.entryPoint ?? ref.fields.packageName ?? "wheel");
    case "jar":
      // The main class's own name ("com.acme.sessions.SessionizeJob" → sessionizejob).
      return toTaskKey(ref.fields.mainClass?.split(".").pop() ?? "jar");
    case "sql_query":
      return "run_query";
    case "dbt":
      return "dbt";
    case "pipeline":
      return "refresh_pipeline";
    case "run_job":
      return ref.fields.key ?? "run_job";
  }
}

/** A name given right after the code: "/Repos/x (step name "Refresh Orders")", "…, call it `refresh`". */
function labelAfter(text: string): { name?: string; key?: string; length?: number } {
  const m =
    /^\s*[,(]?\s*(?:(?:as\s+)?(?:the\s+|a\s+)?(?:step|task)\s*(?:name|key|called|named)?|call(?:ed)?\s+(?:it|the\s+(?:step|task))|named|as)\s*[:=]?\s*(?:["“]([A-Za-z][^"”]{0,60})["”]|`([\w-]+)`)/i.exec(
      text,
    ) ??
    // "/Repos/x/wind (`wind_conditions`)": a backticked key alone in parentheses right after the code.
    /^\s*\(\s*()`([\w-]+)`\s*\)/.exec(text);
  if (!m) return {};
  return m[2] ? { key: m[2], length: m[0].length } : { name: m[1].trim(), length: m[0].length };
}

const DURATION_AT_START = new RegExp(`^${DURATION_RE.source}`, "i");

/** Dependency phrases in the text after a step (up to the next step on the line, or the end of the line). */
function afterPhrases(text: string): string[] {
  const out: string[] = [];
  const after =
    /\b(?:runs?\s+|only\s+)?(?:after|depends on|following|once|(?:needs|requires|waits?\s+for)(?=\s+(?:step|task)\s*#?\d))\s+(?:the\s+)?((?:`[\w-]+`|"[^"]+"|[\w/.-]+(?:\s+[\w/.-]+){0,3}?)(?:\s*(?:,|and|&)\s*(?:the\s+)?(?!(?:run|runs|execute|trigger|start|launch|kick|call|do|send|email|notify|then|in\s+parallel|parallel|alongside|at\s+the\s+same\s+time)\b)(?:`[\w-]+`|"[^"]+"|[\w/.-]+(?:\s+[\w/.-]+){0,3}?))*)(?=\s+(?:is|are|has|have)\s+(?:done|finished|complete|completed|succeeded)|\s+(?:finishes|finish|completes|succeeds|is done)|\s*[,.;)?!]|\s*(?:→|->|=>|:)\s|\s*$)/gi;
  for (const m of matchesOf(after, text)) {
    const word = /\b(after|depends on|following|once)\s/i.exec(m[0])?.[1]?.toLowerCase();
    const before = text.slice(0, m.index);
    // "time out after 30 minutes", "give up after 2 hours": a duration, not a step to wait for.
    if (
      word === "after" &&
      /\b(?:time[sd]?\s*out|timeout|time\s+(?:\w+\s+){0,3}out|give\s+up|cancel(?:led)?|kill(?:ed)?|stop(?:ped)?|abort(?:ed)?|alert|warn)\s+$/i.test(
        before,
      )
    )
      continue;
    // "(time out) after ninety minutes": an amount of time, whatever comes before it.
    if (word === "after" && DURATION_AT_START.test(m[1])) continue;
    // "retry once if it fails", "run it once a day": one time, not "once X is done".
    if (
      word === "once" &&
      (/\b(?:retr(?:y|ies|ied)|tr(?:y|ied)|attempts?|re-?run)(?:\s+(?:it|this|the\s+task|that))?\s+$/i.test(
        before,
      ) ||
        /^(?:if|a|an|per|every|daily|weekly|more|again|or|twice|only)\b/i.test(m[1]))
    )
      continue;
    for (const part of m[1].split(/\s*(?:,|\band\b|&)\s*/)) {
      const p = part
        .replace(/^the\s+/i, "")
        .replace(/[`"“”]/g, "")
        .replace(/\.+$/, "") // "after both." at a sentence end
        .trim();
      // "one after the other" is an order of all the steps (`sequential`), not a step named "other".
      if (
        p &&
        !/^(?:that|it|this|other|another|whether|regardless|retr(?:y|ies|ied)|time[sd]?\s*out|timeout|\d)/i.test(
          p,
        )
      )
        out.push(p.replace(/\s+(?:have|has|are|is)$/i, ""));
    }
  }
  return out;
}

const STEP_REF = String.raw`(?:the\s+)?(\`[\w-]+\`|"[^"]+"|[\w/.-]+(?:\s+[\w/.-]+){0,3}?)`;
/** "if load fails", "only if Load Warehouse failed", "on failure of X", "when X fails": a step that runs on failure. */
const FAILURE_OF = new RegExp(
  String.raw`\b(?:(?:only\s+)?(?:if|when|should)\s+${STEP_REF}\s+(?:fails|failed|has\s+failed|errors?(?:\s+out)?|breaks)|(?:on|upon|after)\s+(?:a\s+)?failure\s+of\s+${STEP_REF})(?=\s*[,.;)!?]|\s*$|\s+(?:run|runs|trigger|execute|start|call|then|,))`,
  "gi",
);
/** "whether step 3 succeeded or failed", "regardless of the outcome", "no matter what", "even if it fails". */
const WHATEVER_HAPPENS =
  /\b(?:whether\s+(?:or\s+not\s+)?(?:[\w`"-]+\s+){0,4}?(?:succeeded|succeeds|worked|works|passed|passes)\s+or\s+(?:failed|fails|not)|regardless\s+of\s+(?:whether\b[^.;]*|the\s+(?:outcome|result|status)(?:\s+of\s+[\w`"-]+(?:\s+[\w`"-]+){0,3})?)|no\s+matter\s+(?:what|whether\b[^.;]*|if\b[^.;]*)|even\s+if\s+(?:[\w`"-]+\s+){0,4}?(?:fails|failed|errors?(?:\s+out)?|breaks))/i;

/** Words right after a failure phrase that give it to the step after it ("If X fails, run `rollback`"). */
const THEN_RUN = /^\s*,?\s*(?:then\s+)?(?:run|runs|trigger|execute|start|call|kick)\b/i;

/** The steps a failure phrase names, and its words; `owned`: whether the phrase is this step's (see THEN_RUN). */
function failurePhrases(
  text: string,
  owned: (m: RegExpExecArray) => boolean,
): Array<{ ref: string; words: string }> {
  const out: Array<{ ref: string; words: string }> = [];
  for (const m of matchesOf(FAILURE_OF, text)) {
    if (!owned(m)) continue;
    const ref = (m[1] ?? m[2]).replace(/[`"]/g, "").trim();
    if (
      /^(?:it|this|that|they|them|the\s+job|job|a\s+run|run|any|anything|something|everything)\b|\b(?:succeeds?|or)\b/i.test(
        ref,
      )
    )
      continue;
    out.push({ ref, words: m[0].trim() });
  }
  return out;
}

/** Only "and" between two steps (with the second's backticked or quoted key and an opening parenthesis). */
const JOINED_BY_AND = /^[\s,)]*(?:and|&)\s*(?:(?:`[\w-]+`|"[^"]+")\s*\(?\s*)?$/i;

export function readSteps(
  reading: Reading,
  existingJobs: WorkspaceJob[],
  mode: "create" | "update",
  pendingJobs: string[] = [],
): void {
  const gitRelative = /https?:\/\/(?:github\.com|gitlab\.com|dev\.azure\.com|bitbucket\.org)\//i.test(
    reading.prose.text,
  );
  let offset = 0;
  reading.prose.lines.forEach((l, lineIndex) => {
    const refs = lineRefs(l.text, gitRelative, existingJobs, mode, reading.prose.text, pendingJobs);
    const row = refs.length === 1 ? tableRow(reading.prose.lines, lineIndex) : undefined;
    refs.forEach((ref, i) => {
      // A label written after the previous step's code belongs to that step, not to this one.
      const prevEnd =
        i === 0
          ? 0
          : refs[i - 1].end +
            (refs[i - 1].kind === "run_job"
              ? 0
              : (labelAfter(l.text.slice(refs[i - 1].end, ref.start)).length ?? 0));
      const before = l.text.slice(prevEnd, ref.start);
      const afterText = l.text.slice(ref.end, i + 1 < refs.length ? refs[i + 1].start : undefined);
      const after = ref.kind === "run_job" ? {} : labelAfter(afterText);
      const cells = row ? tableCells(row, ref.start) : undefined;
      const label =
        ref.kind === "run_job"
          ? {}
          : after.name || after.key
            ? after
            : (cells?.label ?? labelBefore(before, reading.jobName?.value));
      const key = label.key ?? (label.name ? toTaskKey(label.name) : defaultKey(ref));
      const step: Step = {
        kind: ref.kind,
        key,
        name: label.name ?? label.key ?? ref.fields.name,
        after: [],
        words: ref.words,
        line: l.line,
        index: offset + ref.start,
        lineText: l.text,
        ...ref.fields,
      };
      step.key = key;
      for (const p of afterPhrases(afterText))
        step.after.push({ value: p, words: `after ${p}`, line: l.line });
      // A task table's "Depends on" column: "| Build Accruals | python file `/…` | Extract Ledger |".
      for (const p of cells?.dependsOn ?? []) step.after.push({ value: p, words: p, line: l.line });
      // "After X finishes, trigger …" / "once the pipeline is done, run …": the phrase precedes the step.
      // Only the sentence this step is in: "… `reconcile` once both are done. After reconcile, `notify` …" — "once
      // both are done" is reconcile's.
      // (The first step of a line takes the whole text before it: "add a step that runs after `x`? Notebook /…".)
      const ownSentence =
        i === 0
          ? before
          : before.slice(
              Math.max(0, ...matchesOf(/[.;!?](?:\s+|$)/g, before).map((m) => m.index + m[0].length)),
            );
      for (const p of afterPhrases(ownSentence))
        step.after.push({ value: p, words: `after ${p}`, line: l.line });
      // "If load_warehouse fails, run `rollback`" (before this step's code) / "Run this only if Load failed" (after
      // it, not followed by another step's verb): after that step, only when it failed.
      const failures = [
        ...failurePhrases(
          before,
          (m) =>
            !/\b(?:run|runs|trigger|execute)\b/i.test(before.slice(m.index! + m[0].length)) ||
            THEN_RUN.test(before.slice(m.index! + m[0].length)),
        ),
        ...failurePhrases(afterText, (m) => !THEN_RUN.test(afterText.slice(m.index! + m[0].length))),
      ];
      for (const f of failures) {
        step.after.push({ value: f.ref, words: f.words, line: l.line });
        step.onFailure = { value: true, words: f.words, line: l.line };
      }
      const whatever = WHATEVER_HAPPENS.exec(afterText);
      if (whatever && !step.onFailure)
        step.whateverHappens = { value: true, words: whatever[0], line: l.line };
      // "then", "after that", "followed by", "when that's done", "once it finishes": after the step before.
      const sequence =
        i > 0
          ? (SEQUENCE_WORDS.exec(before) ?? /(?:->|→|=>|>>)/.exec(before))
          : LINE_OPENS_SEQUENCE.exec(before);
      if (sequence) step.afterPrevious = { value: true, words: sequence[1] ?? sequence[0], line: l.line };
      // "then b and c in parallel": c is joined to b by "and", and the words after it say side by side.
      const prevStep = reading.steps.at(-1);
      const parallel = /\b(?:in\s+parallel|at\s+the\s+same\s+time|simultaneously)\b/i.exec(afterText);
      if (i > 0 && prevStep && !sequence && JOINED_BY_AND.test(before) && parallel)
        step.besidePrevious = { value: prevStep.key, words: parallel[0], line: l.line };
      // "After <X> finishes, <Y>": the phrase's object is the previous step on this line.
      const prev = reading.steps.at(-1);
      if (
        i > 0 &&
        prev &&
        /\b(?:after|once)\s+(?:the\s+)?(?:notebook\s+|file\s+)?$/i.test(
          l.text.slice(i > 1 ? refs[i - 2].end : 0, refs[i - 1].start),
        )
      ) {
        step.after.push({ value: prev.key, words: `after ${prev.words}`, line: l.line });
      }
      // "`d` and `e` both run after c": the waits said after the second step are the first's too.
      const joined = reading.steps.at(-1);
      if (
        i > 0 &&
        joined &&
        joined.line === l.line &&
        !joined.after.length &&
        JOINED_BY_AND.test(before) &&
        /^[^.;]*?\b(?:both|each)\b/i.test(afterText) &&
        step.after.length
      )
        joined.after.push(...step.after);
      reading.steps.push(step);
    });
    offset += l.text.length + 1;
  });
  const order =
    /\b(in (?:this|that|the following) order|in order|sequentially|one after (?:the )?other|one after another|one by one|consecutively|serially|in (?:a )?series|in sequence|back to back)\b/i.exec(
      reading.prose.text,
    );
  if (order && reading.steps.length > 1) reading.sequential = { value: true, words: order[0] };
  // The single step of a job whose key the ticket states apart from the code: "task key should be `test`",
  // "task name run_pipeline", "Task key `dashboard_task`". Verbatim (INTERPRETATION.md: explicit beats derived).
  const only = reading.steps.length === 1 ? reading.steps[0] : undefined;
  const written = (key: string) =>
    new RegExp(`(?<![\\w-])${escapeRegExp(key)}(?![\\w-])`).test(
      reading.prose.text.replace(/\S*\/\S*/g, " "), // a key that is only the file name of the code is derived
    );
  // A derived key (a file name, a wheel's entry point) gives way to a stated one even when its word is written.
  if (only && only.kind !== "run_job" && (only.name === undefined || !written(only.key))) {
    const stated =
      /\b(?:task|step)[\s_-]?(?:key|name)\s*(?:should\s+be|is|will\s+be|=|:)?\s*(?:`([\w-]+)`|([a-z][a-z0-9]*(?:[_-][a-z0-9]+)+)\b)/i.exec(
        reading.prose.text,
      ) ??
      // "with a single task `run_health_check` that runs …"
      /\b(?:single|one|sole|only)\s+(?:task|step)\s+(?:called\s+|named\s+)?(?:`([\w-]+)`|([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b)/i.exec(
        reading.prose.text,
      );
    if (stated) {
      only.key = stated[1] ?? stated[2];
      only.name = only.key;
    }
  }
  // "Summary: schedule dbt build …" then "runs `dbt deps` then `dbt build --target prod`": the same dbt run said
  // twice (a title, then the detail) is one task, the one with the fuller commands.
  const dbt = reading.steps.filter((st) => st.kind === "dbt" && st.commands?.length);
  const covers = (a: string[], b: string[]) =>
    a.every((c) => b.some((d) => d === c || d.startsWith(`${c} `)));
  reading.steps = reading.steps.filter(
    (st) =>
      !(
        st.kind === "dbt" &&
        dbt.some(
          (o) =>
            o !== st &&
            covers(st.commands ?? [], o.commands ?? []) &&
            !covers(o.commands ?? [], st.commands ?? []),
        )
      ),
  );
  dedupeKeys(reading.steps);
}

interface TableCell {
  text: string;
  start: number;
  end: number;
}

/** A row of a markdown table and the header of its table (cells trimmed, with their offsets in the row's text). */
interface TableRow {
  header: string[];
  cells: TableCell[];
}

const TABLE_LINE = /^\s*\|.*\|\s*$/;
const RULE_LINE = /^\s*\|(?:\s*:?-+:?\s*\|)+\s*$/;

function cellsOf(text: string): TableCell[] {
  const cells: TableCell[] = [];
  const open = text.indexOf("|");
  const close = text.lastIndexOf("|");
  let start = open + 1;
  for (let i = start; i <= close; i++) {
    if (text[i] !== "|" || text[i - 1] === "\\") continue;
    const raw = text.slice(start, i);
    const lead = raw.length - raw.trimStart().length;
    cells.push({ text: raw.trim(), start: start + lead, end: start + lead + raw.trim().length });
    start = i + 1;
  }
  return cells;
}

/** The table row on prose line `index` (not its header or rule), with its table's header; undefined elsewhere. */
function tableRow(lines: Reading["prose"]["lines"], index: number): TableRow | undefined {
  const text = lines[index]!.text;
  if (!TABLE_LINE.test(text) || RULE_LINE.test(text)) return undefined;
  let rule = index - 1;
  while (rule >= 0 && TABLE_LINE.test(lines[rule]!.text) && !RULE_LINE.test(lines[rule]!.text)) rule--;
  if (rule < 1 || !RULE_LINE.test(lines[rule]!.text) || !TABLE_LINE.test(lines[rule - 1]!.text))
    return undefined;
  const header = cellsOf(lines[rule - 1]!.text).map((c) => plainCell(c.text).toLowerCase());
  return { header, cells: cellsOf(text) };
}

const plainCell = (text: string) =>
  text
    .replace(/\*\*|__/g, "")
    .replace(/:$/, "")
    .trim();

/** Header words of the column naming a step, and of the column saying what a step waits for. */
const NAME_COLUMN = /^(?:step|task|name|step name|task name|task key|key|job step|stage)$/;
const DEPENDS_COLUMN =
  /^(?:depends on|depends|dependency|dependencies|after|runs after|run after|upstream|waits for|wait for|prerequisites?|predecessors?|needs|requires|blocked by|follows)$/;
/** A "Depends on" cell that names no step. */
const NO_DEPENDENCY = /^(?:|[-–—]+|none|n\/a|na|nothing|no|\(none\)|-+\s*\(start\)|start|first)$/i;

/**
 * The label and the waits a task table gives the step whose code sits at `at` in the row: the name column's cell
 * (when the code is in another cell) and the steps of the "Depends on" column's cell.
 */
function tableCells(
  row: TableRow,
  at: number,
): { label?: { name?: string; key?: string }; dependsOn: string[] } {
  const codeCell = row.cells.findIndex((c) => c.start <= at && at < c.end);
  const nameCol = row.header.findIndex((h) => NAME_COLUMN.test(h));
  const dependsCol = row.header.findIndex((h) => DEPENDS_COLUMN.test(h));
  const out: { label?: { name?: string; key?: string }; dependsOn: string[] } = { dependsOn: [] };
  const nameCell = nameCol >= 0 && nameCol !== codeCell ? row.cells[nameCol] : undefined;
  if (nameCell) {
    const key = /^`([\w-]+)`$/.exec(nameCell.text)?.[1];
    const name = plainCell(nameCell.text).replace(/`/g, "");
    if (key) out.label = { key };
    else if (/^[A-Za-z][\w&' -]{0,60}$/.test(name)) out.label = { name };
  }
  const dependsCell = dependsCol >= 0 && dependsCol !== codeCell ? row.cells[dependsCol] : undefined;
  if (dependsCell) {
    for (const part of plainCell(dependsCell.text).split(/\s*(?:,|;|\band\b|&|\+)\s*/)) {
      const name = part.replace(/`/g, "").trim();
      if (!NO_DEPENDENCY.test(name)) out.dependsOn.push(name);
    }
  }
  return out;
}

/** Words between two steps that make the second wait for the first (the first is the step before). */
const SEQUENCE = String.raw`(then|after\s+(?:that|this|which)|afterwards?|followed\s+by|finally|subsequently|next|second(?:ly)?|third(?:ly)?|fourth|lastly|(?:when|once|after)\s+(?:that|this|it|the\s+(?:first|previous|former)(?:\s+(?:one|step|task|notebook))?)(?:'s|\s+is|\s+has|\s+was)?\s+(?:done|finished|finishes|complete|completes|completed|succeeds|succeeded|ends|over))\b`;
const SEQUENCE_WORDS = new RegExp(String.raw`\b${SEQUENCE}`, "i");
/** The same words opening a line (list marker and "and" allowed): the step before is on an earlier line. */
const LINE_OPENS_SEQUENCE = new RegExp(String.raw`^\s*(?:[-*+]|\d+[.)])?\s*(?:and\s+)?${SEQUENCE}`, "i");

function dedupeKeys(steps: Step[]): void {
  const seen = new Map<string, number>();
  for (const s of steps) {
    const n = seen.get(s.key) ?? 0;
    seen.set(s.key, n + 1);
    if (n > 0) s.key = `${s.key}_${n + 1}`;
  }
}

/** Resolves a dependency phrase ("Load Google Ads", "extract", "the pipeline", a path) to a task key. */
export function resolveStepRef(
  phrase: string,
  steps: Step[],
  existingKeys: string[] = [],
): string | undefined {
  const p = phrase.trim();
  const key = toTaskKey(p);
  for (const s of steps) if (s.key === key || (s.name && toTaskKey(s.name) === key)) return s.key;
  // "after step 1", "needs step 2": the steps of a numbered list or "step N" labels, counted in the ticket's order.
  const numbered = /^(?:step|task|stage)\s*#?(\d{1,2})$/i.exec(p);
  if (numbered) return steps[Number(numbered[1]) - 1]?.key;
  for (const k of existingKeys) if (k === key || k === p) return k;
  for (const s of steps) if (s.path && (s.path === p || pathStem(s.path) === key)) return s.key;
  // "the pipeline", "the wheel", "the dbt step"
  const kindWords: Array<[RegExp, StepKind]> = [
    [/pipeline|dlt/i, "pipeline"],
    [/wheel/i, "wheel"],
    [/dbt/i, "dbt"],
    [/query|sql/i, "sql_query"],
  ];
  for (const [re, kind] of kindWords) {
    if (re.test(p)) {
      const ofKind = steps.filter((s) => s.kind === kind);
      if (ofKind.length === 1) return ofKind[0].key;
    }
  }
  // Leading words of a longer phrase ("Silver Returns finishes") or a key inside it.
  for (const s of steps)
    if (findIdentifier(p, s.key) >= 0 || (s.name && findIdentifier(p, s.name) >= 0)) return s.key;
  for (const k of existingKeys) if (findIdentifier(p, k) >= 0) return k;
  // Fewer words than the key, or another form of them ("the fetch step" for `fetch_vendors`, "after landing" for
  // "Land Raw Files"): accepted when exactly one step has them all (compared by word stem).
  const words = key
    .split("_")
    .filter(
      (w) =>
        w && !/^(?:step|task|notebook|job|the|is|are|has|have|done|finished|complete|completed)$/.test(w),
    )
    .map(stem);
  if (words.length) {
    const candidates = new Map<string, string[]>();
    for (const s of steps)
      candidates.set(s.key, [
        s.key,
        s.name ? toTaskKey(s.name) : "",
        s.path ? toTaskKey(pathStem(s.path)) : "",
      ]);
    for (const k of existingKeys) if (!candidates.has(k)) candidates.set(k, [k]);
    const hits = [...candidates.entries()]
      .filter(([, forms]) => forms.some((f) => f && words.every((w) => f.split("_").map(stem).includes(w))))
      .map(([k]) => k);
    if (hits.length === 1) return hits[0];
  }
  return undefined;
}

/**
 * "both clean steps" → the two steps before this one whose names hold "clean"; "all the load tasks" → every such
 * step (two or more). undefined when the words are no such group or the count does not fit.
 */
export function resolveStepGroup(phrase: string, before: Step[]): string[] | undefined {
  const m =
    /^(both|all(?:\s+(?:of\s+)?the)?|the)\s+([\w-]+(?:\s+[\w-]+)?)\s+(?:steps|tasks|notebooks|ones)$/i.exec(
      phrase.trim(),
    );
  if (!m) return undefined;
  const words = toTaskKey(m[2]!).split("_").filter(Boolean);
  const hits = before.filter((s) =>
    [s.key, s.name ? toTaskKey(s.name) : ""].some((f) => words.every((w) => f.split("_").includes(w))),
  );
  const count = /^both$/i.test(m[1]!) ? hits.length === 2 : hits.length >= 2;
  return count ? hits.map((s) => s.key) : undefined;
}

/** A light stem for matching a step's words in another form: landing/landed/lands → land, ingestion → ingest. */
function stem(word: string): string {
  for (const suffix of ["ation", "ings", "ing", "ion", "ed", "es", "s"]) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) return word.slice(0, -suffix.length);
  }
  return word;
}
