/**
 * Real-world job definitions through the LLM path: every job of the shared corpus, answered by the scripted
 * model as settings_json inside content blocks, comes out with exactly its settings (nothing lost or rewritten in
 * the envelope); once the Worker's validator has landed, jobs the corpus marks as suspect trigger a repair turn.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlmInterpreter } from "../../src/techlead/llm/index.js";
import { validateWorkItem } from "../../src/worker/validate/index.js";
import { reply, startOpenAiServer, type ScriptedOpenAiServer } from "../support/openai-server.js";
import { envelopeItem, recordingTools, requirement } from "./helpers.js";

const CORPUS = resolve(process.cwd(), "../shared/corpus/real-jobs");
const available = existsSync(CORPUS);
if (!available) console.warn(`corpus.test: skipped, the real-jobs corpus is absent at ${CORPUS}`);

interface CorpusJob {
  file: string;
  settings: Record<string, unknown>;
  suspect: string[];
}

const jobs: CorpusJob[] = available
  ? readdirSync(CORPUS)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => {
        const data = JSON.parse(readFileSync(join(CORPUS, f), "utf8")) as {
          settings: Record<string, unknown>;
          suspect?: string[];
        };
        return { file: f, settings: data.settings, suspect: data.suspect ?? [] };
      })
  : [];

const validatorLanded = (() => {
  try {
    validateWorkItem(
      { key: "probe", action: "create", settings: { name: "probe", tasks: [] } },
      { file: "probe.md" },
    );
    return true;
  } catch {
    return false;
  }
})();

let server: ScriptedOpenAiServer;
beforeAll(async () => {
  server = await startOpenAiServer();
});
afterAll(async () => {
  await server.close();
});

describe.runIf(available)("real corpus jobs through the LLM path", () => {
  it(`round-trips all ${jobs.length} corpus jobs unchanged through the strict envelope`, async () => {
    expect(jobs.length).toBeGreaterThan(20);
    const llm = createLlmInterpreter(
      { model: "m", baseUrl: server.baseUrl, apiKey: async () => "k-1234", maxRepairs: 0 },
      { validate: () => [] },
    );
    for (const job of jobs) {
      server.push(
        reply.contentBlocks([
          { type: "reasoning", summary: [{ type: "summary_text", text: "thinking" }] },
          {
            type: "text",
            text: JSON.stringify({
              items: [envelopeItem({ key: "job", settings_json: JSON.stringify(job.settings) })],
            }),
          },
        ]),
      );
      const result = await llm.interpret(
        requirement(`jobs/${job.file.replace(/\.json$/, ".md")}`, "Create this job."),
        {
          existingJobs: [],
          tools: recordingTools(),
        },
      );
      expect(result.items, job.file).toHaveLength(1);
      expect(result.items[0]!.settings, job.file).toEqual(job.settings);
    }
  });

  it.runIf(validatorLanded)(
    "jobs the corpus marks as suspect are sent back for repair with the validator's findings",
    async () => {
      const suspects = jobs.filter((j) => j.suspect.some((s) => /expected string/.test(s)));
      expect(suspects.length).toBeGreaterThan(0);
      const llm = createLlmInterpreter({
        model: "m",
        baseUrl: server.baseUrl,
        apiKey: async () => "k-1234",
        maxRepairs: 0,
      });
      for (const job of suspects) {
        server.push(
          reply.json({ items: [envelopeItem({ key: "job", settings_json: JSON.stringify(job.settings) })] }),
        );
        const result = await llm.interpret(requirement(`jobs/${job.file}.md`, "Create this job."), {
          existingJobs: [],
          tools: recordingTools(),
        });
        expect(result.items[0]!.questions?.join("\n"), job.file).toMatch(/parameters/);
      }
    },
  );
});
