/**
 * A local, scripted OpenAI-compatible HTTP server for tests. It answers `POST …/chat/completions` (so both
 * `http://127.0.0.1:PORT/v1` and `http://127.0.0.1:PORT/serving-endpoints` work as base URLs) from a script of
 * steps, one step per request, and records every request (path, headers, parsed body).
 *
 * A step is a fixed reply (`reply.*` helpers) or a function of the request returning one. Replies can be a
 * normal completion (content string, content array of blocks, tool calls, refusal), an HTTP error (e.g. 429
 * with Retry-After), a raw body (garbage), or a delay before any of these (to exceed the client's timeout).
 * When the script runs out, the server answers 500 "script exhausted" (and the test sees it).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (undefined when it did not parse). */
  body: ChatRequestBody | undefined;
  rawBody: string;
}

/** The subset of the chat completions request the tests look at. */
export interface ChatRequestBody {
  model: string;
  messages: Array<{
    role: string;
    content?: unknown;
    tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
  }>;
  tools?: Array<{ type: string; function: { name: string } }>;
  tool_choice?: unknown;
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
  [key: string]: unknown;
}

export type Reply =
  | { kind: "message"; message: Record<string, unknown>; finishReason: string }
  | { kind: "status"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "raw"; status: number; body: string; contentType: string }
  | { kind: "delay"; ms: number; then: Reply };

export type Step = Reply | ((request: RecordedRequest) => Reply | Promise<Reply>);

let toolCallCounter = 0;

export const reply = {
  /** An assistant message whose content is a string. */
  content(text: string): Reply {
    return { kind: "message", message: { role: "assistant", content: text }, finishReason: "stop" };
  },
  /** An assistant message whose content is JSON.stringify(value). */
  json(value: unknown): Reply {
    return reply.content(JSON.stringify(value));
  },
  /** Content as an array of typed blocks, as reasoning models on Databricks return it. */
  contentBlocks(blocks: Array<Record<string, unknown>>): Reply {
    return { kind: "message", message: { role: "assistant", content: blocks }, finishReason: "stop" };
  },
  /** The model asks to call tools. */
  toolCalls(calls: Array<{ name: string; arguments: Record<string, unknown> | string }>): Reply {
    return {
      kind: "message",
      message: {
        role: "assistant",
        content: null,
        tool_calls: calls.map((call) => ({
          id: `call_${++toolCallCounter}`,
          type: "function",
          function: {
            name: call.name,
            arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
          },
        })),
      },
      finishReason: "tool_calls",
    };
  },
  refusal(text: string): Reply {
    return {
      kind: "message",
      message: { role: "assistant", content: null, refusal: text },
      finishReason: "stop",
    };
  },
  /** An HTTP error in the OpenAI error shape. */
  status(status: number, message: string, headers?: Record<string, string>): Reply {
    return {
      kind: "status",
      status,
      body: { error: { message, type: "error", code: String(status) } },
      headers,
    };
  },
  rateLimited(retryAfterSeconds: number): Reply {
    return reply.status(429, "Rate limit exceeded: too many requests", {
      "retry-after": String(retryAfterSeconds),
    });
  },
  /** A raw, possibly non-JSON body. */
  raw(body: string, status = 200, contentType = "application/json"): Reply {
    return { kind: "raw", status, body, contentType };
  },
  /** Waits before answering (use a delay longer than the client's timeout to force a timeout). */
  delay(ms: number, then: Reply): Reply {
    return { kind: "delay", ms, then };
  },
};

export interface ScriptedOpenAiServer {
  /** e.g. http://127.0.0.1:PORT/serving-endpoints */
  readonly baseUrl: string;
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** Steps not yet consumed. */
  remaining(): number;
  /** Appends steps to the script. */
  push(...steps: Step[]): void;
  /** Answers every request not covered by the script with this function (instead of 500). */
  setFallback(step: Step | undefined): void;
  close(): Promise<void>;
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startOpenAiServer(
  script: Step[] = [],
  basePath = "/serving-endpoints",
): Promise<ScriptedOpenAiServer> {
  const queue: Step[] = [...script];
  const requests: RecordedRequest[] = [];
  let fallback: Step | undefined;
  let completionCounter = 0;
  const sockets = new Set<import("node:net").Socket>();

  async function send(res: ServerResponse, recorded: RecordedRequest, answer: Reply): Promise<void> {
    if (answer.kind === "delay") {
      await new Promise((resolve) => setTimeout(resolve, answer.ms));
      if (res.destroyed || res.writableEnded) return;
      return send(res, recorded, answer.then);
    }
    if (res.destroyed) return;
    if (answer.kind === "status") {
      res.writeHead(answer.status, { "content-type": "application/json", ...(answer.headers ?? {}) });
      res.end(JSON.stringify(answer.body));
      return;
    }
    if (answer.kind === "raw") {
      res.writeHead(answer.status, { "content-type": answer.contentType });
      res.end(answer.body);
      return;
    }
    const promptTokens = estimateTokens(recorded.rawBody);
    const completionTokens = estimateTokens(JSON.stringify(answer.message));
    const body = {
      id: `chatcmpl-${++completionCounter}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: recorded.body?.model ?? "scripted",
      choices: [{ index: 0, message: answer.message, finish_reason: answer.finishReason, logprobs: null }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readBody(req);
      let body: ChatRequestBody | undefined;
      try {
        body = JSON.parse(rawBody) as ChatRequestBody;
      } catch {
        body = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body,
        rawBody,
      };
      requests.push(recorded);
      if (req.method !== "POST" || !(req.url ?? "").split("?")[0]!.endsWith("/chat/completions")) {
        await send(res, recorded, reply.status(404, `no route for ${req.method} ${req.url}`));
        return;
      }
      const step = queue.shift() ?? fallback;
      if (!step) {
        await send(res, recorded, reply.status(500, "scripted server: script exhausted"));
        return;
      }
      const answer = typeof step === "function" ? await step(recorded) : step;
      await send(res, recorded, answer);
    })().catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: `scripted server failed: ${String(error)}` } }));
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    baseUrl: `${origin}${basePath}`,
    origin,
    requests,
    remaining: () => queue.length,
    push: (...steps) => void queue.push(...steps),
    setFallback: (step) => {
      fallback = step;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** All message contents of a request joined (to assert what the model was shown). */
export function allMessageText(request: RecordedRequest): string {
  return (request.body?.messages ?? [])
    .map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content ?? "")))
    .join("\n");
}
