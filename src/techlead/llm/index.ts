/**
 * The LLM Tech Lead: a prose requirement → work items, through any OpenAI-compatible chat completions endpoint
 * (by default the workspace's model serving, `<DATABRICKS_HOST>/serving-endpoints`).
 *
 * Flow: system prompt (output contract + conventions) → user message (redacted requirement, structured front
 * matter, existing jobs' ids/names/tags, retrieved reference notes) → bounded tool-call loop → JSON answer
 * (strict json_schema envelope, falling back to json_object / plain prompt when the endpoint refuses it) →
 * parse (string or content blocks, fences) → validate every item → send the errors back for repair at most
 * `maxRepairs` times → target guard. Any failure (timeout, 429 exhausted, garbage, refusal, still invalid)
 * yields a BLOCKED interpretation (items with questions), never a throw.
 */
import OpenAI from "openai";
import type {
  ChatCompletion,
  ChatCompletionMessageParam,
  ChatCompletionCreateParamsNonStreaming,
} from "openai/resources/chat/completions";
import type { Diagnostic, Interpretation, WorkItem } from "../../domain/model.js";
import type { InterpretContext, LlmSettings, ProseInterpreter, RequirementDoc } from "../types.js";
import type { DocHit } from "../types.js";
import { getRetriever } from "../../retriever/index.js";
import { validateWorkItem, type ValidationContext } from "../../worker/validate/index.js";
import { contentText, extractJson, toWorkItems } from "./parse.js";
import {
  buildUserMessage,
  OUTPUT_SCHEMA,
  OUTPUT_SCHEMA_NAME,
  REPAIR_INSTRUCTIONS,
  SYSTEM_PROMPT,
} from "./prompt.js";
import { redactText, REDACTED } from "./redact.js";
import { guardTargets } from "./safety.js";
import { executeTool, TOOL_DEFINITIONS } from "./tools.js";

export { mergeWithStructured, guardTargets } from "./safety.js";
export { contentText, extractJson, toWorkItems } from "./parse.js";
export { redactText, redactValue } from "./redact.js";
export { SYSTEM_PROMPT, OUTPUT_SCHEMA, buildUserMessage } from "./prompt.js";

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_MAX_REPAIRS = 2;
export const DEFAULT_MAX_TOOL_ROUNDS = 6;

export interface LlmInterpreterOptions {
  /** HTTP retries per request (429 honouring Retry-After, 5xx, timeouts, dropped connections). Default 3. */
  maxRetries?: number;
  /** Bounded tool-call rounds per requirement. Default 6. */
  maxToolRounds?: number;
  /** The work-item validator (default: the Worker's `validateWorkItem`). */
  validate?: (item: WorkItem, ctx: ValidationContext) => Diagnostic[];
  /** Grounding search (default: `getRetriever()`). */
  retriever?: { search(query: string, k?: number): DocHit[] };
  /** Reference notes put into the prompt. Default 5. */
  groundingHits?: number;
}

export interface LlmUsage {
  /** Chat completion requests that got an answer. */
  calls: number;
  promptTokens: number;
  completionTokens: number;
}

export interface LlmInterpreter extends ProseInterpreter {
  readonly kind: "llm";
  /** Cumulative usage of this interpreter (the eval reports it per requirement). */
  usage(): LlmUsage;
}

type OutputMode = "json_schema" | "json_object" | "none";
const OUTPUT_MODES: OutputMode[] = ["json_schema", "json_object", "none"];

/** `<DATABRICKS_HOST>/serving-endpoints` when no base URL is configured. */
export function defaultLlmBaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const host = env.DATABRICKS_HOST?.trim();
  if (!host) return undefined;
  const withScheme = /^https?:\/\//.test(host) ? host : `https://${host}`;
  return `${withScheme.replace(/\/+$/, "")}/serving-endpoints`;
}

class LlmFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fix: string,
    readonly errors: Diagnostic[] = [],
  ) {
    super(message);
  }
}

function itemKeyFromFile(file: string): string {
  const base = file.split("/").pop() ?? file;
  const key = base
    .replace(/\.[^.]+$/, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return key || "requirement";
}

function describeDiagnostic(d: Diagnostic, prefix = ""): string {
  const path = `${prefix}${d.path}`;
  const value = d.value === undefined ? "" : ` (found: ${JSON.stringify(d.value)?.slice(0, 200)})`;
  return `${path || "(whole item)"}: ${d.message}${value}. Fix: ${d.fix}`;
}

/** The Interpretation returned whenever the model could not produce valid work items. */
function blocked(doc: RequirementDoc, failure: LlmFailure, extra: Diagnostic[] = []): Interpretation {
  const questions = [
    `The LLM Tech Lead could not interpret this requirement: ${failure.message} ${failure.fix}`.trim(),
  ];
  for (const error of failure.errors.slice(0, 20))
    questions.push(`Validation error: ${describeDiagnostic(error)}`);
  return {
    requirement: doc.file,
    source: "llm",
    items: [{ key: itemKeyFromFile(doc.file), action: "create", questions, line: doc.bodyLine }],
    diagnostics: [
      ...extra,
      {
        severity: "warning",
        code: failure.code,
        file: doc.file,
        line: doc.bodyLine,
        path: "",
        message: failure.message,
        fix: failure.fix,
      },
      ...failure.errors.map((e) => ({ ...e, severity: "warning" as const, file: e.file ?? doc.file })),
    ],
  };
}

function lineOfWords(doc: RequirementDoc, words: string): number | undefined {
  const needle = words.trim().toLowerCase();
  if (needle.length < 3) return undefined;
  const index = doc.text.toLowerCase().indexOf(needle);
  if (index < 0) return undefined;
  return doc.text.slice(0, index).split("\n").length;
}

/**
 * Replaces every occurrence of a key the provider handed out in all strings. (Inline secrets the model may write
 * into settings are not rewritten here: the validator refuses them, visibly.)
 */
function scrub<T>(value: T, secrets: Set<string>): T {
  const replaceKeys = (text: string): string => {
    let out = text;
    for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return replaceKeys(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

function classify(error: unknown, settings: LlmSettings, timeoutMs: number, maxRetries: number): LlmFailure {
  const where = `model "${settings.model}"`;
  if (error instanceof LlmFailure) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new LlmFailure(
      "llm.timeout",
      `The request to ${where} timed out after ${timeoutMs} ms (${maxRetries + 1} attempts).`,
      "Retry later, or raise the LLM timeout; check that the serving endpoint is running.",
    );
  }
  if (error instanceof OpenAI.RateLimitError) {
    return new LlmFailure(
      "llm.rate-limited",
      `The endpoint of ${where} kept answering 429 Too Many Requests after ${maxRetries + 1} attempts.`,
      "Retry later, or raise the endpoint's rate limits (pay-per-token endpoints are limited per minute).",
    );
  }
  if (error instanceof OpenAI.AuthenticationError || error instanceof OpenAI.PermissionDeniedError) {
    return new LlmFailure(
      "llm.auth",
      `The endpoint of ${where} refused the credentials (HTTP ${error.status}).`,
      "Check the LLM API key / Databricks token (llm-api-key or databricks-token) and that it may query the serving endpoint.",
    );
  }
  if (error instanceof OpenAI.NotFoundError) {
    return new LlmFailure(
      "llm.endpoint-not-found",
      `The endpoint answered 404 for ${where}.`,
      "Check llm-model (the serving endpoint name) and llm-base-url (default <DATABRICKS_HOST>/serving-endpoints).",
    );
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new LlmFailure(
      "llm.unreachable",
      `The LLM endpoint could not be reached (${(error.cause as Error | undefined)?.message ?? error.message}).`,
      "Check llm-base-url and the network.",
    );
  }
  if (error instanceof OpenAI.APIError) {
    return new LlmFailure(
      "llm.failed",
      `The endpoint of ${where} failed: ${error.message}.`,
      "Check the serving endpoint's health and configuration.",
    );
  }
  return new LlmFailure(
    "llm.unreadable",
    `The endpoint's answer could not be read (${(error as Error)?.message ?? String(error)}).`,
    "Check that llm-base-url points at an OpenAI-compatible chat completions API.",
  );
}

export function createLlmInterpreter(
  settings: LlmSettings,
  options: LlmInterpreterOptions = {},
): LlmInterpreter {
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const maxRepairs = settings.maxRepairs ?? DEFAULT_MAX_REPAIRS;
  const maxToolRounds = options.maxToolRounds ?? DEFAULT_MAX_TOOL_ROUNDS;
  const validate = options.validate ?? validateWorkItem;
  const usage: LlmUsage = { calls: 0, promptTokens: 0, completionTokens: 0 };
  /** Keys handed out by the provider: scrubbed from everything this interpreter returns. Never logged. */
  const keys = new Set<string>();
  let outputMode = 0;
  let toolsSupported = true;
  let client: OpenAI | undefined;

  function getClient(baseURL: string): OpenAI {
    client ??= new OpenAI({
      baseURL,
      apiKey: async () => {
        const key = await settings.apiKey();
        if (key) keys.add(key);
        return key;
      },
      timeout: timeoutMs,
      maxRetries,
      logLevel: "off",
    });
    return client;
  }

  async function complete(
    openai: OpenAI,
    messages: ChatCompletionMessageParam[],
    allowTools: boolean,
  ): Promise<ChatCompletion> {
    for (;;) {
      const mode = OUTPUT_MODES[outputMode]!;
      const body: ChatCompletionCreateParamsNonStreaming = {
        model: settings.model,
        messages,
        temperature: 0,
      };
      if (mode === "json_schema") {
        body.response_format = {
          type: "json_schema",
          json_schema: {
            name: OUTPUT_SCHEMA_NAME,
            strict: true,
            schema: OUTPUT_SCHEMA as unknown as Record<string, unknown>,
          },
        };
      } else if (mode === "json_object") {
        body.response_format = { type: "json_object" };
      }
      if (allowTools && toolsSupported) body.tools = TOOL_DEFINITIONS;
      try {
        const completion = await openai.chat.completions.create(body);
        usage.calls += 1;
        usage.promptTokens += completion.usage?.prompt_tokens ?? 0;
        usage.completionTokens += completion.usage?.completion_tokens ?? 0;
        return completion;
      } catch (error) {
        if (error instanceof OpenAI.BadRequestError) {
          const message = error.message;
          // Endpoints differ in what they accept: step down from strict schema → json_object → prompt only,
          // and drop tools when the endpoint rejects them.
          if (body.tools && /tool/i.test(message)) {
            toolsSupported = false;
            continue;
          }
          if (outputMode < OUTPUT_MODES.length - 1) {
            outputMode += 1;
            continue;
          }
        }
        throw error;
      }
    }
  }

  function validateItems(doc: RequirementDoc, items: WorkItem[], notes: Diagnostic[]): Diagnostic[] {
    const errors: Diagnostic[] = [];
    for (const item of items) {
      if (item.questions?.length) continue;
      let found: Diagnostic[];
      try {
        found = validate(item, { file: doc.file });
      } catch (error) {
        if (!notes.some((n) => n.code === "llm.validator-unavailable")) {
          notes.push({
            severity: "warning",
            code: "llm.validator-unavailable",
            file: doc.file,
            path: "",
            message: `The work-item validator failed (${(error as Error).message}); the model's items were not validated here (the Worker validates them before any plan).`,
            fix: "Report this as a bug.",
          });
        }
        continue;
      }
      for (const d of found)
        if (d.severity === "error")
          errors.push({ ...d, path: `items[${item.key}]${d.path ? "." + d.path : ""}` });
    }
    return errors;
  }

  async function interpret(doc: RequirementDoc, context: InterpretContext): Promise<Interpretation> {
    const notes: Diagnostic[] = [];
    try {
      const baseURL = settings.baseUrl ?? defaultLlmBaseUrl();
      if (!baseURL) {
        throw new LlmFailure(
          "llm.not-configured",
          "No LLM base URL is configured and DATABRICKS_HOST is not set.",
          "Set llm-base-url (any OpenAI-compatible endpoint) or databricks-host (the workspace's model serving is used).",
        );
      }
      if (!settings.model) {
        throw new LlmFailure(
          "llm.not-configured",
          "No LLM model is configured.",
          "Set llm-model to the serving endpoint name, e.g. databricks-claude-sonnet-4-5.",
        );
      }
      const openai = getClient(baseURL);
      let hits: DocHit[] = [];
      try {
        hits = (options.retriever ?? getRetriever()).search(
          redactText(doc.body).slice(0, 600),
          options.groundingHits ?? 5,
        );
      } catch {
        hits = [];
      }
      const messages: ChatCompletionMessageParam[] = [
        { role: "system", content: SYSTEM_PROMPT },
        { role: "user", content: buildUserMessage(doc, context.existingJobs, hits) },
      ];
      let toolRounds = 0;
      let repairs = 0;
      for (;;) {
        const completion = await complete(openai, messages, toolRounds < maxToolRounds);
        const choice = completion.choices?.[0];
        const message = choice?.message;
        if (!message)
          throw new LlmFailure(
            "llm.unreadable",
            "The endpoint answered without a message.",
            "Check that llm-base-url points at a chat completions API.",
          );
        if (message.tool_calls?.length) {
          toolRounds += 1;
          messages.push({
            role: "assistant",
            content: contentText(message.content) || null,
            tool_calls: message.tool_calls,
          });
          for (const call of message.tool_calls) {
            const result =
              call.type === "function"
                ? await executeTool(context.tools, call.function.name, call.function.arguments)
                : JSON.stringify({ error: "only function tools exist" });
            messages.push({ role: "tool", tool_call_id: call.id, content: result });
          }
          continue;
        }
        if (message.refusal || choice.finish_reason === "content_filter") {
          throw new LlmFailure(
            "llm.refused",
            `The model refused to answer${message.refusal ? `: ${JSON.stringify(message.refusal.slice(0, 300))}` : " (content filter)"}.`,
            "Rephrase the requirement, or write the job as structured front matter.",
          );
        }
        const text = contentText(message.content);
        const parsed = extractJson(text);
        let items: WorkItem[] = [];
        let errors: Diagnostic[];
        if (!parsed.ok) {
          errors = [
            {
              severity: "error",
              code: "llm.output",
              path: "",
              value: undefined,
              message: `${choice.finish_reason === "length" ? "The answer was cut off (length limit); " : ""}${parsed.error}`,
              fix: 'Answer with one JSON object {"items": [...]} and nothing else.',
            },
          ];
        } else {
          const converted = toWorkItems(parsed.value);
          items = converted.items;
          errors = [...converted.problems];
          if (items.length === 0 && errors.length === 0) {
            errors.push({
              severity: "error",
              code: "llm.output",
              path: "items",
              value: [],
              message: "the answer has no work items",
              fix: "Produce at least one item; when the requirement cannot be done, produce an item with questions.",
            });
          }
          if (errors.length === 0) errors = validateItems(doc, items, notes);
        }
        if (errors.length === 0) {
          const guarded = guardTargets(items, doc, context.existingJobs);
          notes.push(...guarded.diagnostics);
          if (guarded.items.length === 0) {
            throw new LlmFailure(
              "llm.nothing-left",
              "Every item the model proposed targeted a job the requirement does not name, so nothing is left to do.",
              "Name the jobs to change explicitly in the requirement.",
            );
          }
          const withLines = guarded.items.map((item) => ({
            ...item,
            ...(item.explanation
              ? {
                  explanation: item.explanation.map((e) => ({
                    ...e,
                    ...(lineOfWords(doc, e.words) ? { line: lineOfWords(doc, e.words) } : {}),
                  })),
                }
              : {}),
          }));
          return scrub({ requirement: doc.file, source: "llm", items: withLines, diagnostics: notes }, keys);
        }
        if (repairs >= maxRepairs) {
          throw new LlmFailure(
            "llm.invalid-output",
            `The model's answer was still invalid after ${repairs} repair attempt${repairs === 1 ? "" : "s"} (${errors.length} error${errors.length === 1 ? "" : "s"}).`,
            "Make the requirement more specific, or write the job as structured front matter.",
            errors.map((e) => ({ ...e, file: doc.file })),
          );
        }
        repairs += 1;
        messages.push({ role: "assistant", content: text || "(empty answer)" });
        messages.push({
          role: "user",
          content: `${REPAIR_INSTRUCTIONS}\n\n${errors.map((e) => `- ${describeDiagnostic(e)}`).join("\n")}`,
        });
      }
    } catch (error) {
      return scrub(blocked(doc, classify(error, settings, timeoutMs, maxRetries), notes), keys);
    }
  }

  return {
    kind: "llm",
    interpret,
    usage: () => ({ ...usage }),
  };
}

export { REDACTED };
