/**
 * A counting HTTP proxy in front of the local workspace, for the crash suite: it numbers every API call a client
 * makes and can freeze the client exactly at call k —
 *   - "before": calls 1..k are forwarded and answered; call k+1 (and everything after) is held, never forwarded;
 *   - "after-commit": calls 1..k-1 are answered; call k is forwarded (the workspace commits it) but its answer is
 *     held, as is everything after.
 * The test then SIGKILLs the client while it waits. Held requests are never forwarded later, so nothing the killed
 * client asked for after the freeze point can reach the workspace.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FreezeMode = "before" | "after-commit";

export interface CallRecord {
  n: number;
  method: string;
  path: string;
  status?: number;
}

export interface CountingProxy {
  url: string;
  /** Calls received so far (held ones included). */
  readonly calls: number;
  readonly log: CallRecord[];
  /** Resolves when the client is frozen (a call is being held). */
  frozen: Promise<CallRecord>;
  close(): Promise<void>;
}

export async function startCountingProxy(
  upstream: string,
  freeze?: { at: number; mode: FreezeMode },
): Promise<CountingProxy> {
  const target = new URL(upstream);
  const log: CallRecord[] = [];
  let isFrozen = false;
  let onFrozen: (record: CallRecord) => void = () => undefined;
  const frozen = new Promise<CallRecord>((resolve) => (onFrozen = resolve));
  const held: ServerResponse[] = [];

  const freezeAt = (record: CallRecord, res: ServerResponse): void => {
    held.push(res);
    if (!isFrozen) {
      isFrozen = true;
      onFrozen(record);
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const record: CallRecord = {
      n: log.length + 1,
      method: req.method ?? "GET",
      path: (req.url ?? "/").split("?")[0],
    };
    log.push(record);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (isFrozen || (freeze && freeze.mode === "before" && record.n > freeze.at)) {
        freezeAt(record, res);
        return;
      }
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers, host: target.host };
      const upstreamReq = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (upstreamRes) => {
          const out: Buffer[] = [];
          upstreamRes.on("data", (c: Buffer) => out.push(c));
          upstreamRes.on("end", () => {
            record.status = upstreamRes.statusCode;
            if (isFrozen || (freeze && freeze.mode === "after-commit" && record.n >= freeze.at)) {
              freezeAt(record, res); // the workspace committed the call; its answer never reaches the client
              return;
            }
            if (res.destroyed) return;
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            res.end(Buffer.concat(out));
          });
          upstreamRes.on("error", () => res.destroy());
        },
      );
      upstreamReq.on("error", () => res.destroy());
      upstreamReq.end(body);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return log.length;
    },
    log,
    frozen,
    async close() {
      for (const res of held) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
