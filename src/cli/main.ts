/**
 * `jobagent` — the CLI. Same engine as the GitHub Action; flags mirror the action's inputs (same names), each also
 * read from `JOBAGENT_<NAME_IN_UPPER_SNAKE>`; Databricks auth from DATABRICKS_HOST / DATABRICKS_TOKEN. Without a
 * host it uses the embedded local workspace, its state in `<repo>/.jobagent/workspace.json` (git-ignored).
 */
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
// Only light modules are imported statically: `--help` and usage errors must not load the engine, the SDK, the
// LLM client or the docs index. Each command loads what it needs with a dynamic import.
import type { ApplyResult, EngineOptions } from "../engine/api.js";
import type { StatusResult } from "../engine/index.js";
import type { Workspace } from "../adapters/databricks/port.js";
import type { ProjectIdentity } from "../state/project-config.js";
import type { CliTarget } from "./target.js";
import type { Logger } from "../domain/model.js";
import type { LocalWorkspace } from "../dev/local-workspace/index.js";
import type { LlmSettings } from "../techlead/types.js";
import { createCliLogger, createRedactor } from "./logger.js";
import { formatDiagnostic, renderPlanText } from "./text.js";
import { cliSource, readSettings, SettingsError, type Settings } from "../settings/index.js";

import { VERSION } from "../domain/version.js";
import type { CommandContext } from "./commands/context.js";
import { findRepoDir } from "./repo-dir.js";

/** Commands that work on no repository (the others find it: repo-dir.ts). */
const NO_REPO = new Set(["workspace", "demo", "eval", "docs"]);

export const LOCAL_WORKSPACE_TOKEN = "dapi-local-workspace-not-a-secret";

export const HELP = `jobagent — GitOps for Databricks jobs (requirements in markdown → planned, reviewed, applied jobs)

Usage: jobagent <command> [flags]

Commands
  init [--force]            write jobagent.yml, a first example requirement and the workflow for the action
  validate [--json]         schema, semantics and workspace preflight of every requirement; writes nothing;
                            exit 0 valid, 1 findings, 2 usage
  import SELECTORS          existing jobs → requirement files that adopt them (--job-id N, --name X, --tag k=v,
                            --all-unmanaged with --yes; --force overwrites files, --take-over adopts jobs
                            owned by a bundle or another repository; --bundle databricks.yml [--target T]
                            reads the jobs of a Databricks Asset Bundle into requirement files)
  export --bundle DIR       write the requirements as a Databricks Asset Bundle (databricks.yml +
                            resources/<job>.yml), to leave for \`databricks bundle deploy\` at any time
  migrate-targets [--yes]   after adding targets: move the jobs recorded before into one target (--target T,
                            default the first): re-tag them <project>@T, move their task files to .tasks/T/
  tech-lead                 requirements → task files (no workspace changes)
  drift [--json]            managed jobs changed in the workspace since the last apply, field by field
                            (requirement → workspace, permissions too); writes nothing; exit 0 no drift,
                            1 validation failed or error, 2 usage, 3 drift found
  plan [--json|--markdown]  validate + plan; records the plan in the task files; exit 0 valid, 1 invalid
                            (--markdown prints the PR comment body; --no-record writes no task file)
  apply [--json]            apply the planned tasks (refuses with plan-changed if the plan moved)
  unlock                    release the project's apply lock in the workspace (after a killed run)
  status [--json]           tasks by state (the task files queried); with targets: every target, or --target NAME
  interpret FILE [--json]   the Jobs API requests one requirement would produce (nothing written or applied)
  docs search QUERY         search the Databricks documentation index (--k N, --docs-dir DIR, --json)
  eval [interpreter|retrieval|prose|all]   run the evaluation sets and print scores
  workspace serve           run the local Databricks workspace (--port N, --state FILE, --token T)
  demo [--dir DIR]          the whole flow in a temporary git repo against the local workspace (--dir keeps it)

Flags (same names as the action's inputs; each also read from JOBAGENT_<NAME>, e.g. JOBAGENT_JOBS_DIR)
  --jobs-dir DIR            requirements directory (default: jobs)
  --databricks-host URL     workspace URL (default: DATABRICKS_HOST; none → embedded local workspace)
  --databricks-token TOKEN  workspace token (default: DATABRICKS_TOKEN; none → the SDK's unified auth:
                            client id/secret, config profile, ~/.databrickscfg, …)
  --databricks-profile NAME a profile of ~/.databrickscfg, as the Databricks CLI's --profile (default:
                            DATABRICKS_CONFIG_PROFILE): its host and credentials, when no host is given
  --llm-model NAME          serving endpoint / model for prose requirements; default with a real (non-loopback)
                            host: databricks-claude-sonnet-4-5 at <host>/serving-endpoints; off: offline interpreter
  --llm-base-url URL        OpenAI-compatible base URL (default: <host>/serving-endpoints)
  --llm-api-key KEY         API key (default: the Databricks token)
  --allow-delete            allow deleting jobs whose requirement was removed
  --on-plan-change MODE     fail | apply (default: fail)
  --strict-consistency      requirement-vs-plan disagreements are errors, not warnings
  --run-wait-seconds N      wait up to N s (0–3600) for runs started by run tasks and report their
                            result (default: 300, as the action; 0: only runs with wait: true, up to 600 s)
  --lock-wait SECONDS       how long apply waits for the workspace lock another run holds
                            (0–3600, default: 0: report locked at once, naming the holder)
  --repo-dir DIR            repository root (default: ., the current directory)
  --repo OWNER/NAME         project id recorded in ownership tags (default: project: in jobagent.yml,
                            GITHUB_REPOSITORY, the origin remote; never the folder name)
  --target NAME             deployment target declared under targets: in jobagent.yml (default: the one with
                            default: true, else the first); its task files are <jobs>/.tasks/NAME/
  --json                    machine-readable output on stdout (documented in docs/plan-format.md)
  --verbose                 more logging
  -h, --help                this help
  --version                 the version of jobagent

Exit codes: 0 success; 1 validation failed, plan changed, apply failed or locked; 2 usage or configuration error;
3 drift found (drift only).
`;

export const FLAGS = {
  "jobs-dir": { type: "string" },
  "databricks-host": { type: "string" },
  "databricks-token": { type: "string" },
  "databricks-profile": { type: "string" },
  "llm-model": { type: "string" },
  "llm-base-url": { type: "string" },
  "llm-api-key": { type: "string" },
  "allow-delete": { type: "boolean" },
  "on-plan-change": { type: "string" },
  "strict-consistency": { type: "boolean" },
  "run-wait-seconds": { type: "string" },
  "lock-wait": { type: "string" },
  "plan-hash": { type: "string" },
  "repo-dir": { type: "string" },
  repo: { type: "string" },
  target: { type: "string" },
  json: { type: "boolean" },
  markdown: { type: "boolean" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  port: { type: "string" },
  state: { type: "string" },
  token: { type: "string" },
  k: { type: "string" },
  "docs-dir": { type: "string", multiple: true },
  dir: { type: "string" },
  version: { type: "boolean" },
  force: { type: "boolean" },
  yes: { type: "boolean" },
  "no-record": { type: "boolean" },
  "job-id": { type: "string", multiple: true },
  name: { type: "string", multiple: true },
  tag: { type: "string", multiple: true },
  "all-unmanaged": { type: "boolean" },
  "take-over": { type: "boolean" },
  bundle: { type: "string" },
} as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

type Values = Record<string, string | boolean | string[] | undefined>;

async function cliTarget(
  identity: ProjectIdentity,
  name: string | undefined,
  host: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<CliTarget> {
  const { resolveCliTarget, TargetError } = await import("./target.js");
  try {
    return resolveCliTarget(identity, name, host, env);
  } catch (error) {
    if (error instanceof TargetError) throw new UsageError(error.message);
    throw error;
  }
}

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export async function main(
  argv: string[] = process.argv.slice(2),
  io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() },
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\nRun \`jobagent --help\` for usage.\n`);
    return 2;
  }
  const values = parsed.values as Values;
  const [command, ...rest] = parsed.positionals;
  if (values.version) {
    io.stdout.write(`jobagent ${VERSION}\n`);
    return 0;
  }
  if (values.help || !command) {
    io.stdout.write(HELP);
    return command || values.help ? 0 : 2;
  }
  const env = io.env;
  let secrets: string[] = [];
  let settings: Settings | undefined;
  let settingsError: unknown;
  try {
    settings = readSettings(cliSource(values, env), (found) => (secrets = found));
  } catch (error) {
    settingsError = error;
  }
  // A config profile's secrets join the list once it is read (below).
  const known = [...secrets, env.GITHUB_TOKEN, typeof values.token === "string" ? values.token : undefined];
  const redact = createRedactor(known);
  const log = createCliLogger({ verbose: values.verbose === true, redact, stream: io.stderr });
  const out = (text: string) => io.stdout.write(redact(text.endsWith("\n") ? text : `${text}\n`));
  try {
    if (!settings) throw settingsError;
    // The repository: --repo-dir, else the nearest folder above holding jobagent.yml or .git (repo-dir.ts).
    const repoAt = NO_REPO.has(command)
      ? undefined
      : findRepoDir(
          io.cwd,
          settings.repoDirExplicit ? settings.repoDir : undefined,
          (m) => new UsageError(m),
        );
    if (repoAt?.found) log.info(`Repository: ${repoAt.dir} (the folder above holding jobagent.yml or .git)`);
    const inRepo = (s: Settings): Settings => (repoAt ? { ...s, repoDir: repoAt.dir } : s);
    settings = inRepo(settings);
    let host = settings.databricksHost;
    const token = settings.databricksToken;
    switch (command) {
      case "workspace":
        return await serveWorkspace(rest, values, out, log);
      case "demo":
        return await (
          await import("./demo.js")
        ).runDemo({
          out,
          log,
          keep: typeof values.dir === "string" ? resolve(io.cwd, values.dir) : undefined,
        });
      case "docs": {
        if (rest[0] !== "search" || rest.length < 2)
          throw new UsageError('usage: jobagent docs search "QUERY" [--k N] [--docs-dir DIR] [--json]');
        const { getRetriever } = await import("../retriever/index.js");
        const retriever = getRetriever({
          extraDocsDirs: ((values["docs-dir"] as string[] | undefined) ?? []).map((d) => resolve(io.cwd, d)),
        });
        const hits = retriever.search(rest.slice(1).join(" "), Number(values.k ?? 5));
        if (values.json) out(JSON.stringify({ hits }, null, 2));
        else if (hits.length === 0) out("No results.");
        else
          for (const hit of hits)
            out(
              `${hit.score.toFixed(2)}  ${hit.source} › ${hit.heading}\n      ${hit.text.replace(/\s+/g, " ").slice(0, 200)}…`,
            );
        return 0;
      }
      case "eval":
        return await (
          await import("./eval.js")
        ).runEval(rest[0] ?? "all", { out, json: values.json === true, cwd: io.cwd });
      case "status": {
        const repoDir = resolve(io.cwd, settings.repoDir);
        const { resolveProjectIdentity } = await import("../state/project-config.js");
        const identity = await resolveProjectIdentity(repoDir, env, settings.repo);
        const jobsDir = settings.jobsDirExplicit
          ? settings.jobsDir
          : (identity.config.jobs_dir ?? settings.jobsDir);
        const { readStatus } = await import("../engine/index.js");
        // With targets and none named: every target's state, in promotion order.
        const declared = identity.config.targets ?? [];
        if (!settings.target && declared.length > 0) {
          const all = await Promise.all(declared.map((t) => readStatus({ repoDir, jobsDir, target: t })));
          if (values.json)
            out(
              JSON.stringify(
                { targets: Object.fromEntries(declared.map((t, i) => [t.name, all[i]])) },
                null,
                2,
              ),
            );
          else out(declared.map((t, i) => `Target: ${t.name}\n${renderStatus(all[i]!)}`).join("\n\n"));
          return all.some((s) => s.errors.length > 0) ? 1 : 0;
        }
        const chosen = await cliTarget(identity, settings.target, host, env);
        const status = await readStatus({
          repoDir,
          jobsDir,
          ...(chosen.target ? { target: chosen.target } : {}),
        });
        if (chosen.target) out(`Target: ${chosen.target.name}`);
        if (values.json) out(JSON.stringify(status, null, 2));
        else out(renderStatus(status));
        // A task file that cannot be read is state that is not known: never a clean answer.
        return status.errors.length > 0 ? 1 : 0;
      }
      case "init": {
        const { runInit } = await import("./commands/init.js");
        return await runInit(commandContext(settings, values, rest, io, out, log));
      }
      case "export": {
        const { runExport } = await import("./commands/export.js");
        return await runExport(commandContext(settings, values, rest, io, out, log));
      }
      case "tech-lead":
      case "plan":
      case "apply":
      case "unlock":
      case "interpret":
      case "validate":
      case "drift":
      case "import":
      case "migrate-targets":
        break;
      default:
        throw new UsageError(`unknown command "${command}". Run \`jobagent --help\` for the list.`);
    }

    const profile = settings.databricksProfile;
    if (!host && profile) {
      // The workspace of a config profile, as the Databricks CLI's --profile: read as if DATABRICKS_HOST named it
      // (so the default LLM and the targets see the same host); its credentials are the unified auth's.
      const { hostOfProfile } = await import("../adapters/databricks/sdk-workspace.js");
      try {
        const read = await hostOfProfile(profile);
        host = read.host;
        known.push(...read.secrets);
      } catch (error) {
        throw new UsageError(`Databricks config profile "${profile}": ${(error as Error).message}`);
      }
      settings = inRepo(readSettings(cliSource(values, { ...env, DATABRICKS_HOST: host })));
      log.info(`Databricks config profile "${profile}": ${host}`);
    }
    const repoDir = resolve(io.cwd, settings.repoDir);
    const { resolveProjectIdentity } = await import("../state/project-config.js");
    const identity = await resolveProjectIdentity(repoDir, env, settings.repo);
    const jobsDir = settings.jobsDirExplicit
      ? settings.jobsDir
      : (identity.config.jobs_dir ?? settings.jobsDir);
    // `import --bundle F --target T` names the bundle's target, not one of jobagent.yml.
    const chosen = await cliTarget(
      identity,
      command === "import" && values.bundle ? undefined : settings.target,
      host,
      env,
    );
    const { workspace, local } = await connect(
      chosen.host,
      token,
      repoDir,
      log,
      chosen.target?.name,
      // validate and drift write nothing; a bundle import reads files only (no workspace state to keep)
      command === "validate" ||
        command === "drift" ||
        (command === "import" && typeof values.bundle === "string"),
      profile,
    );
    try {
      let llm: LlmSettings | undefined;
      if (settings.llm?.isDefault && !token) {
        log.info(
          `No Databricks token given: the default LLM (${settings.llm.model} at <host>/serving-endpoints) needs one; prose is read by the offline interpreter.`,
        );
      } else if (settings.llm) {
        const baseUrl = settings.llm.baseUrl ?? (host ? `${host}/serving-endpoints` : undefined);
        if (!baseUrl)
          throw new UsageError(
            "--llm-model needs --llm-base-url (or a Databricks host whose serving endpoints to use)",
          );
        const key = settings.llm.apiKey ?? token;
        if (!key) throw new UsageError("--llm-model needs --llm-api-key (or a Databricks token)");
        llm = { model: settings.llm.model, baseUrl, apiKey: async () => key };
        if (settings.llm.isDefault) llm.isDefault = true;
      }
      const options: EngineOptions = {
        repoDir,
        jobsDir,
        workspace,
        repo: chosen.repo,
        ...(chosen.target ? { target: chosen.target } : {}),
        allowDelete: settings.allowDelete,
        runId: env.GITHUB_RUN_ID ?? `cli-${process.pid}-${randomBytes(3).toString("hex")}`,
        log,
        strictConsistency: settings.strictConsistency,
        lockWaitSeconds: settings.lockWaitSeconds,
      };
      if (llm) options.llm = llm;
      const { runApply, runPlan, runTechLead } = await import("../engine/index.js");
      switch (command) {
        case "tech-lead": {
          const result = await runTechLead(options);
          for (const d of result.diagnostics)
            log[d.severity === "error" ? "error" : "warn"](formatDiagnostic(d));
          if (values.json)
            out(JSON.stringify({ written: result.written, diagnostics: result.diagnostics }, null, 2));
          else
            out(
              result.written.length === 0
                ? "Task files are up to date."
                : `Wrote ${result.written.length} task file(s):\n${result.written.map((f) => `  ${f}`).join("\n")}`,
            );
          return result.diagnostics.some((d) => d.severity === "error") ? 1 : 0;
        }
        case "validate": {
          const { runValidate } = await import("./commands/validate.js");
          return await runValidate(commandContext(settings, values, rest, io, out, log), options);
        }
        case "drift": {
          const { runDrift } = await import("./commands/drift.js");
          const base = (chosen.host ?? local?.url ?? "").replace(/\/+$/, "");
          return await runDrift(
            commandContext(settings, values, rest, io, out, log),
            options,
            (id) => `${base}/jobs/${id}`,
          );
        }
        case "migrate-targets": {
          const { runMigrateTargets } = await import("./commands/migrate-targets.js");
          return await runMigrateTargets(commandContext(settings, values, rest, io, out, log), options);
        }
        case "import": {
          const { runImport } = await import("./commands/import.js");
          return await runImport(commandContext(settings, values, rest, io, out, log), options);
        }
        case "plan": {
          const plan = await runPlan(options, { record: values["no-record"] !== true });
          if (values.json) out((await import("../domain/render.js")).renderPlanJson(plan));
          else if (values.markdown) out(plan.markdown);
          else out(renderPlanText(plan));
          for (const d of plan.diagnostics.filter((x) => x.severity === "error"))
            log.error(formatDiagnostic(d));
          return plan.valid ? 0 : 1;
        }
        case "apply": {
          const planHash = typeof values["plan-hash"] === "string" ? values["plan-hash"] : undefined;
          const result = await runApply(options, {
            onPlanChange: settings.onPlanChange,
            ...(planHash ? { approvedPlanHash: planHash } : {}),
            runWaitSeconds: settings.runWaitSeconds,
          });
          if (values.json) out(JSON.stringify(result, null, 2));
          else out(renderApply(result));
          return result.ok ? 0 : 1;
        }
        case "unlock":
          return await unlock(options, out);
        case "interpret": {
          const file = rest[0];
          if (!file) throw new UsageError("usage: jobagent interpret FILE [--json]");
          const { interpretOne } = await import("./interpret.js");
          return await interpretOne(resolve(io.cwd, file), options, values.json === true, out);
        }
      }
      return 0;
    } finally {
      await local?.close();
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof SettingsError) {
      io.stderr.write(`error: ${redact(error.message)}\n`);
      return 2;
    }
    io.stderr.write(`error: ${redact(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}

function commandContext(
  settings: Settings,
  values: Values,
  args: string[],
  io: CliIO,
  out: (text: string) => void,
  log: Logger,
): CommandContext {
  const repoDir = resolve(io.cwd, settings.repoDir);
  return {
    args,
    values,
    repoDir,
    jobsDir: settings.jobsDir,
    out,
    log,
    usage: (message) => new UsageError(message),
    // The repository's own identity (--repo, GITHUB_REPOSITORY, the origin remote), not jobagent.yml's:
    // `init --force` rewrites that file from it.
    repoIdentity: async () => {
      const { originRemote } = await import("../state/project-config.js");
      return settings.repo ?? io.env.GITHUB_REPOSITORY ?? (await originRemote(repoDir)) ?? "";
    },
    formatDiagnostic,
  };
}

async function connect(
  host: string | undefined,
  token: string | undefined,
  repoDir: string,
  log: Logger,
  /** With targets and no host, each target gets its own embedded local workspace (state file per target). */
  target?: string,
  readOnly = false,
  /** The config profile whose credentials the unified auth reads (--databricks-profile). */
  profile?: string,
): Promise<{ workspace: Workspace; local?: LocalWorkspace }> {
  const { createSdkWorkspace } = await import("../adapters/databricks/sdk-workspace.js");
  if (host) {
    if (token) return { workspace: createSdkWorkspace({ host, token }) };
    log.info(
      profile
        ? `No Databricks token given: the credentials of the config profile "${profile}" (the SDK's unified auth).`
        : "No Databricks token given: using the SDK's unified auth (DATABRICKS_CLIENT_ID/SECRET, DATABRICKS_CONFIG_PROFILE, ~/.databrickscfg, …).",
    );
    return { workspace: createSdkWorkspace({ host, unifiedAuth: true, ...(profile ? { profile } : {}) }) };
  }
  const stateDir = join(repoDir, ".jobagent", ...(target ? [target] : []));
  if (readOnly) {
    // validate: a throw-away copy of the local workspace's state, so nothing in the repository changes.
    const { readOnlyLocalState } = await import("./commands/context.js");
    const local = await readOnlyLocalState(join(stateDir, "workspace.json"), LOCAL_WORKSPACE_TOKEN);
    return { workspace: createSdkWorkspace({ host: local.url, token: local.token }), local };
  }
  await mkdir(stateDir, { recursive: true });
  await writeFile(join(repoDir, ".jobagent", ".gitignore"), "*\n").catch(() => undefined);
  const { startLocalWorkspace } = await import("../dev/local-workspace/index.js");
  const local = await startLocalWorkspace({
    stateFile: join(stateDir, "workspace.json"),
    token: LOCAL_WORKSPACE_TOKEN,
  });
  log.info(
    `Using the embedded local workspace (state: ${relative(process.cwd(), join(stateDir, "workspace.json")) || ".jobagent/workspace.json"}); set DATABRICKS_HOST to use a real one.`,
  );
  return { workspace: createSdkWorkspace({ host: local.url, token: local.token }), local };
}

async function unlock(options: EngineOptions, out: (text: string) => void): Promise<number> {
  const { PROJECT_UNSET_MESSAGE } = await import("../state/project-config.js");
  if (!options.repo) throw new UsageError(PROJECT_UNSET_MESSAGE);
  const { forceUnlock } = await import("../state/workspace-lock.js");
  const { path, released } = await forceUnlock(options.workspace, options.repo);
  out(
    released
      ? `Released the workspace lock ${path} held by run ${released.holder} (${released.where}, since ${released.acquired}). If that run is still going, it may now race another apply.`
      : `No workspace lock at ${path}: nothing to release.`,
  );
  return 0;
}

async function serveWorkspace(
  rest: string[],
  values: Values,
  out: (t: string) => void,
  log: Logger,
): Promise<number> {
  if (rest[0] !== "serve")
    throw new UsageError("usage: jobagent workspace serve [--port N] [--state FILE] [--token T]");
  const port = values.port ? Number(values.port) : 8484;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number (found "${String(values.port)}")`);
  const customToken = typeof values.token === "string";
  const { startLocalWorkspace } = await import("../dev/local-workspace/index.js");
  const workspace = await startLocalWorkspace({
    port,
    token: customToken ? (values.token as string) : LOCAL_WORKSPACE_TOKEN,
    ...(typeof values.state === "string" ? { stateFile: resolve(values.state) } : {}),
  });
  out(`Local Databricks workspace listening on ${workspace.url}`);
  out(`  export DATABRICKS_HOST=${workspace.url}`);
  out(
    customToken
      ? "  export DATABRICKS_TOKEN=<the token you passed with --token>"
      : `  export DATABRICKS_TOKEN=${LOCAL_WORKSPACE_TOKEN}   # fixed, documented local token`,
  );
  log.info("Press Ctrl+C to stop.");
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await workspace.close();
  return 0;
}

function renderStatus(status: StatusResult): string {
  if (status.tasks.length === 0 && status.errors.length > 0)
    return [
      `No task file could be read (${status.errors.length} unreadable); their state is kept as it is:`,
      ...status.errors.map((e) => `unreadable: ${e}`),
    ].join("\n");
  if (status.tasks.length === 0) return "No task files yet. Run `jobagent tech-lead` or `jobagent plan`.";
  const lines = [
    Object.entries(status.counts)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${s}: ${n}`)
      .join("  "),
    "",
  ];
  const width = Math.max(...status.tasks.map((t) => t.id.length));
  for (const t of status.tasks) {
    lines.push(
      `${t.status.padEnd(11)} ${t.id.padEnd(width)}  ${t.action.padEnd(6)} ${t.jobId !== undefined ? `job ${t.jobId}` : ""}${t.note ? `  — ${t.note}` : ""}`,
    );
  }
  for (const e of status.errors) lines.push(`unreadable: ${e}`);
  return lines.join("\n");
}

function renderApply(result: ApplyResult): string {
  const lines: string[] = [];
  if (result.failureReason && result.results.length === 0)
    return `Apply refused (${result.failureReason}): ${result.message ?? ""}`;
  for (const r of result.results) {
    const mark = r.status === "COMPLETE" ? "✓" : r.status === "FAILED" ? "✗" : "–";
    lines.push(
      `${mark} ${r.op.padEnd(6)} ${r.jobName}${r.jobId !== undefined ? ` (job ${r.jobId})` : ""} ${r.status}${r.run ? ` run ${r.run.runId}${r.run.result ? ` ${r.run.result}` : ""}${r.run.durationMs !== undefined ? ` in ${Math.round(r.run.durationMs / 100) / 10} s` : ""}${r.run.url ? ` ${r.run.url}` : ""}` : ""}${r.duplicatesDeleted ? `, deleted duplicate job(s) ${r.duplicatesDeleted.join(", ")}` : ""}${r.error ? ` — ${r.error}` : ""}`,
    );
  }
  // What was not applied is said as plainly as what was: a blocked task or an unrecorded change is never "complete".
  const listed = new Set(result.results.map((r) => r.taskId));
  for (const b of result.blocked ?? []) {
    if (listed.has(b.taskId)) continue;
    lines.push(
      `⛔ blocked ${b.jobName}${b.jobId !== undefined ? ` (job ${b.jobId})` : ""} [${b.taskId}] — ${b.reason}`,
    );
  }
  for (const n of result.notApplied ?? [])
    lines.push(
      `– not applied: ${n.op} ${n.jobName}${n.jobId !== undefined ? ` (job ${n.jobId})` : ""} [${n.taskId}] — ${n.reason}`,
    );
  const plans = result.appliedPlans?.length ? result.appliedPlans.join(", ") : undefined;
  const applied = result.results.filter((r) => r.status === "COMPLETE" && r.op !== "no-op").length;
  const left = new Set([
    ...(result.blocked ?? []).map((b) => b.taskId),
    ...(result.notApplied ?? []).map((n) => n.taskId),
    ...result.results.filter((r) => r.status !== "COMPLETE").map((r) => r.taskId),
  ]).size;
  lines.push(
    "",
    !result.ok
      ? `Apply failed (${result.failureReason ?? "apply-failed"}): ${result.message ?? ""}`
      : result.complete === false
        ? `Apply incomplete: ${applied} change(s) applied${plans ? ` (plan ${plans})` : ""}; ${left} task(s) not applied (listed above).`
        : plans
          ? `Apply complete (plan ${plans}).`
          : "Apply complete: nothing to change.",
  );
  return lines.join("\n");
}
