/**
 * Suite 6 — secrets. The Databricks token (DATABRICKS_TOKEN), the GitHub token (GITHUB_TOKEN) and the LLM key
 * (--llm-api-key) are set for every CLI run; a requirement carries an inline secret (a PAT-shaped value and a
 * password). Runs cover the happy path and the failure paths: validation errors, an LLM endpoint whose 401 answer
 * echoes the key (as OpenAI's does), a wrong token (403), a workspace answering 500, a host nobody listens on. After
 * every run the committed repository is scanned — stdout, stderr, plan JSON, task files, progress log, every file in
 * the tree and `git log -p` — for each secret in plain, base64 and URL-encoded form.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import {
  allJobs,
  cleanupTempDirs,
  commitAll,
  describeRun,
  findSecrets,
  makeRepo,
  readTree,
  runCli,
  type CliResult,
} from "../support/reliability-harness.js";
import { jobSettings, requirementFile } from "../support/reliability-fixtures.js";

const hex = (n: number) => randomBytes(n).toString("hex");
const DATABRICKS_TOKEN = `dapi${hex(16)}`;
const WRONG_TOKEN = `dapi${hex(16)}`;
const GITHUB_TOKEN = `ghp_${hex(18)}`;
const LLM_KEY = `sk-proj-${hex(20)}`;
const INLINE_PAT = `dapi${hex(16)}`;
const INLINE_PASSWORD = `Pw-${hex(10)}!`;
const SECRETS = [DATABRICKS_TOKEN, WRONG_TOKEN, GITHUB_TOKEN, LLM_KEY, INLINE_PAT, INLINE_PASSWORD];
const REPO = "acme/secret-suite";
/** Where the known task-file leak shows (the task file and, once committed, the history). */
const KNOWN_LEAK = /^(jobs\/\.tasks\/inline-secret\.[\w.-]+\.md|git log -p) contains secret (dapi|Pw-)/;

let ws: LocalWorkspace;
let llm: Server;
let llmUrl: string;
let llmCalls = 0;

/** An OpenAI-compatible endpoint that rejects the key and quotes it back, like api.openai.com does. */
async function startEchoingLlm(): Promise<void> {
  llm = createServer((req, res) => {
    llmCalls++;
    const key = (req.headers.authorization ?? "").replace(/^Bearer\s+/i, "");
    req.resume();
    res.writeHead(401, { "Content-Type": "application/json" });
    res.end(
      JSON.stringify({
        error: {
          message: `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: "invalid_request_error",
          code: "invalid_api_key",
        },
      }),
    );
  });
  await new Promise<void>((resolve) => llm.listen(0, "127.0.0.1", resolve));
  llmUrl = `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1`;
}

const requirements = {
  "jobs/orders.md": requirementFile("orders", {
    orders_daily: jobSettings({ name: "Secrets orders daily", schedule: true }),
  }),
  "jobs/inline-secret.md": requirementFile("inline secret", {
    leaky: {
      ...jobSettings({ name: "Secrets leaky job" }),
      tasks: [
        {
          task_key: "load",
          notebook_task: {
            notebook_path: "/Shared/etl/ingest",
            base_parameters: { db_password: INLINE_PASSWORD, api_token: INLINE_PAT },
          },
          new_cluster: {
            spark_version: "16.4.x-scala2.12",
            node_type_id: "i3.xlarge",
            num_workers: 1,
            spark_env_vars: { DATABRICKS_TOKEN: INLINE_PAT },
          },
        },
      ],
      job_clusters: undefined,
    },
  }),
  "jobs/prose.md":
    "# Weekly clean-up\n\nRun the cleanup notebook every Sunday at 03:00 Berlin time and email ops@example.com when it fails.\n",
};

beforeAll(async () => {
  ws = await startLocalWorkspace({ token: DATABRICKS_TOKEN });
  await startEchoingLlm();
});

afterAll(async () => {
  await ws?.close();
  await new Promise<void>((resolve) => (llm ? llm.close(() => resolve()) : resolve()));
  await cleanupTempDirs();
});

interface Scenario {
  name: string;
  host?: () => string;
  token?: string;
  llm?: boolean;
  setup?: (own: LocalWorkspace) => void;
  commands: string[];
  /** Expected exit codes per command. */
  expectCodes?: Array<number | number[]>;
}

const scenarios: Scenario[] = [
  {
    name: "plan, apply and status with an inline secret in one requirement (validation errors)",
    commands: ["plan", "apply", "status"],
    expectCodes: [1, 1, 0],
  },
  {
    name: "plan and tech-lead with an LLM whose 401 answer echoes the key",
    llm: true,
    commands: ["tech-lead", "plan"],
  },
  {
    name: "a wrong Databricks token (403)",
    token: WRONG_TOKEN,
    commands: ["plan", "apply"],
    expectCodes: [
      [1, 2],
      [1, 2],
    ],
  },
  {
    name: "a workspace answering 500 to everything",
    setup: (own) => own.faults.add({ kind: "status", status: 500 }),
    commands: ["plan", "apply"],
    expectCodes: [
      [1, 2],
      [1, 2],
    ],
  },
  {
    name: "a host nobody listens on",
    host: () => "http://127.0.0.1:9",
    commands: ["plan", "apply"],
    expectCodes: [
      [1, 2],
      [1, 2],
    ],
  },
];

describe.concurrent("secrets never leak", () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      // Each scenario has its own workspace (same token), so faults do not cross scenarios running at once.
      const own = await startLocalWorkspace({ token: DATABRICKS_TOKEN });
      scenario.setup?.(own);
      const repoDir = await makeRepo(requirements, "jobagent-secrets-");
      const outputs: Array<{ where: string; text: string }> = [];
      try {
        for (const [i, command] of scenario.commands.entries()) {
          const result: CliResult = await runCli(command, {
            repoDir,
            host: scenario.host?.() ?? own.url,
            token: scenario.token ?? DATABRICKS_TOKEN,
            repo: REPO,
            timeoutMs: 120_000,
            extraArgs: [
              "--verbose",
              // An LLM key without a model is a settings error (as in the action), so the key goes with the model.
              ...(scenario.llm
                ? ["--llm-api-key", LLM_KEY, "--llm-model", "gpt-test", "--llm-base-url", llmUrl]
                : []),
            ],
            env: { GITHUB_TOKEN, JOBAGENT_GITHUB_TOKEN: GITHUB_TOKEN },
          });
          outputs.push(
            { where: `${command} stdout`, text: result.stdout },
            { where: `${command} stderr`, text: result.stderr },
          );
          expect(result.signal, describeRun(result)).toBeNull();
          const expected = scenario.expectCodes?.[i];
          if (expected !== undefined)
            expect([expected].flat(), `${command}: ${describeRun(result)}`).toContain(result.code);
          expect(result.stdout + result.stderr, `${command} printed nothing useful`).not.toBe("");
        }
      } finally {
        own.faults.clear();
      }
      // Commit what the agent wrote (as the action does) and scan the tree, the history and the outputs.
      await commitAll(repoDir, "agent state [skip ci]");
      const tree = (await readTree(repoDir)).filter((f) => f.file !== "jobs/inline-secret.md"); // the user's own file holds it
      const history = execFileSync(
        "git",
        ["log", "-p", "--all", "--", ".", ":(exclude)jobs/inline-secret.md"],
        { cwd: repoDir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
      );
      const workspaceState = JSON.stringify(await allJobs(own));
      await own.close();
      const hits = findSecrets(
        [
          ...outputs,
          ...tree.map((f) => ({ where: f.file, text: f.text })),
          { where: "git log -p", text: history },
          { where: "workspace jobs", text: workspaceState },
        ],
        SECRETS,
      );
      // Known bug (reported), asserted separately below: the inline-secret task file copies the spec verbatim.
      expect(hits.filter((h) => !KNOWN_LEAK.test(h))).toEqual([]);
      if (scenario.llm)
        expect(llmCalls, "the LLM endpoint was called (so its echo was exercised)").toBeGreaterThan(0);
    });
  }

  it("the inline secret is refused with its field named, and its value redacted in the diagnostic", async () => {
    const repoDir = await makeRepo(requirements, "jobagent-secrets-");
    const plan = await runCli("plan", { repoDir, host: ws.url, token: DATABRICKS_TOKEN, repo: REPO });
    expect(plan.code, describeRun(plan)).toBe(1);
    const json = JSON.parse(plan.stdout) as {
      diagnostics: Array<{ code: string; file?: string; path: string; value?: unknown }>;
    };
    const secretErrors = json.diagnostics.filter(
      (d) => d.file === "jobs/inline-secret.md" && /secret/.test(d.code),
    );
    expect(secretErrors.map((d) => d.path)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/db_password$/),
        expect.stringMatching(/spark_env_vars\.DATABRICKS_TOKEN$/),
      ]),
    );
    expect(findSecrets([{ where: "plan --json", text: plan.stdout }], SECRETS)).toEqual([]);
    expect((await allJobs(ws)).filter((j) => j.settings.name === "Secrets leaky job")).toEqual([]);
  });

  // Known bug (reported to the lead): the Tech Lead writes the spec into the task file verbatim, so an inline secret
  // the validator refuses still lands in jobs/.tasks/inline-secret.leaky.md (and in the commit of the task files).
  // Remove `.fails` once task files redact values the secret check flags.
  it("the task file of a requirement with an inline secret does not contain the secret", async () => {
    const repoDir = await makeRepo(requirements, "jobagent-secrets-");
    const plan = await runCli("plan", { repoDir, host: ws.url, token: DATABRICKS_TOKEN, repo: REPO });
    expect(plan.code, describeRun(plan)).toBe(1);
    const taskFiles = (await readTree(repoDir)).filter((f) => f.file.startsWith("jobs/.tasks/inline-secret"));
    expect(taskFiles.length).toBeGreaterThan(0);
    expect(
      findSecrets(
        taskFiles.map((f) => ({ where: f.file, text: f.text })),
        SECRETS,
      ),
    ).toEqual([]);
  });
});
