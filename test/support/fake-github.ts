/**
 * A local fake of the GitHub REST endpoints the action calls, over real HTTP (point GITHUB_API_URL at `url`):
 * issue comments (list with pagination + Link headers, create, update; authors from the token), commit → pull
 * requests, pull request files (paged), branch protection and rulesets, opening/updating pull requests and
 * GraphQL auto-merge. Every request is recorded; faults can be queued.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeUser {
  login: string;
  type: "Bot" | "User";
  /** The token cannot write (a fork PR's GITHUB_TOKEN): writes answer 403. */
  readOnly?: boolean;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
  created_at: string;
  updated_at: string;
  html_url: string;
}

export interface FakePull {
  number: number;
  state: "open" | "closed";
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  head?: { ref: string; sha: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  login?: string;
}

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  /** token → user. */
  tokens?: Record<string, FakeUser>;
  /** Page size cap (GitHub's is 100); small values make paging observable. */
  maxPerPage?: number;
}

export interface FakeFault {
  method: string;
  path: RegExp;
  status: number;
  times: number;
  headers?: Record<string, string>;
  /** The error message GitHub sends (default "injected <status>"). */
  message?: string;
}

/** A pull request opened through `POST /pulls`. */
export interface FakeOpenedPull {
  number: number;
  node_id: string;
  head: string;
  base: string;
  title: string;
  body: string;
  state: "open" | "closed";
  html_url: string;
  auto_merge: boolean;
  /** Set when the test merges it (the merge button). */
  merged_at?: string | null;
  /** Labels (a person adds them: push `{name}` entries in a test). */
  labels: Array<{ name: string }>;
}

export interface FakeGitHub {
  /** branch → classic protection (GitHub's JSON) or an HTTP status (403: not readable); absent: 404 not protected. */
  protection: Map<string, Record<string, unknown> | number>;
  /** branch → ruleset rules that apply to it. */
  rules: Map<string, Array<{ type: string }>>;
  openedPulls: FakeOpenedPull[];
  /** Does the repository allow auto-merge (GraphQL enablePullRequestAutoMerge answers an error otherwise)? */
  allowAutoMerge: boolean;
  url: string;
  requests: RecordedRequest[];
  comments: FakeComment[];
  pulls: Map<string, FakePull[]>;
  files: Map<number, Array<{ filename: string; status: string; previous_filename?: string }>>;
  /** `GET /pulls/{n}` answers (a pull request object as GitHub sends it). */
  pullRequests: Map<number, Record<string, unknown>>;
  reviews: Map<number, Array<{ user: { login: string }; state: string; commit_id?: string }>>;
  /** login → "admin" | "write" | "read"; absent: 404 (not a collaborator). */
  permissions: Map<string, string>;
  reactions: Array<{ commentId: number; content: string; login?: string }>;
  addComment(issue: number, login: string, body: string, type?: "Bot" | "User"): FakeComment;
  commentsOn(issue: number): FakeComment[];
  fault(fault: FakeFault): void;
  close(): Promise<void>;
}

const COMMENT_LIMIT = 65_536;

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const owner = options.owner ?? "acme";
  const repo = options.repo ?? "data-jobs";
  const tokens = options.tokens ?? {};
  const maxPerPage = options.maxPerPage ?? 100;
  const requests: RecordedRequest[] = [];
  const comments: FakeComment[] = [];
  const pulls = new Map<string, FakePull[]>();
  const files = new Map<number, Array<{ filename: string; status: string; previous_filename?: string }>>();
  const faults: FakeFault[] = [];
  const pullRequests = new Map<number, Record<string, unknown>>();
  const reviews = new Map<number, Array<{ user: { login: string }; state: string; commit_id?: string }>>();
  const permissions = new Map<string, string>();
  const reactions: Array<{ commentId: number; content: string; login?: string }> = [];
  const protection = new Map<string, Record<string, unknown> | number>();
  const rules = new Map<string, Array<{ type: string }>>();
  const openedPulls: FakeOpenedPull[] = [];
  const state = { allowAutoMerge: false };
  let nextId = 1000;
  let clock = Date.parse("2026-01-01T00:00:00Z");
  let base = "";

  const now = () => new Date((clock += 1000)).toISOString();

  function addComment(
    issue: number,
    login: string,
    body: string,
    type: "Bot" | "User" = login.endsWith("[bot]") ? "Bot" : "User",
  ) {
    const id = nextId++;
    const at = now();
    const comment: FakeComment = {
      id,
      issue,
      body,
      user: { login, type },
      created_at: at,
      updated_at: at,
      html_url: `https://github.example/${owner}/${repo}/pull/${issue}#issuecomment-${id}`,
    };
    comments.push(comment);
    return comment;
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  }

  function paged<T>(res: ServerResponse, path: string, query: Record<string, string>, items: T[]) {
    const perPage = Math.min(Number(query.per_page ?? 30) || 30, maxPerPage);
    const page = Math.max(1, Number(query.page ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number, rel: string) => `<${base}${path}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
    const links: string[] = [];
    if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
    if (page > 1) links.push(link(1, "first"), link(page - 1, "prev"));
    send(
      res,
      200,
      items.slice((page - 1) * perPage, page * perPage),
      links.length ? { link: links.join(", ") } : {},
    );
  }

  async function readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    return text ? JSON.parse(text) : undefined;
  }

  type GraphqlBody = { query?: string; variables?: { id?: string } } | undefined;
  function graphql(res: ServerResponse, body: GraphqlBody) {
    if (!body?.query?.includes("enablePullRequestAutoMerge"))
      return send(res, 200, { errors: [{ message: "unsupported query" }] });
    const pull = openedPulls.find((p) => p.node_id === body.variables?.id);
    if (!pull) return send(res, 200, { errors: [{ message: "Could not resolve to a node" }] });
    if (!state.allowAutoMerge)
      return send(res, 200, {
        data: { enablePullRequestAutoMerge: null },
        errors: [
          { type: "UNPROCESSABLE", message: "Pull request Auto merge is not allowed for this repository" },
        ],
      });
    pull.auto_merge = true;
    return send(res, 200, { data: { enablePullRequestAutoMerge: { clientMutationId: null } } });
  }

  /** Branch protection, rulesets and the pull requests the action opens; true when the route answered. */
  function progressRoute(
    res: ServerResponse,
    method: string,
    rest: string,
    query: Record<string, string>,
    body: unknown,
    user: FakeUser,
  ): boolean {
    let m: RegExpExecArray | null;
    if ((m = /^\/branches\/(.+)\/protection$/.exec(rest)) && method === "GET") {
      const p = protection.get(decodeURIComponent(m[1]));
      if (p === undefined) send(res, 404, { message: "Branch not protected" });
      else if (typeof p === "number") send(res, p, { message: "Resource not accessible by integration" });
      else send(res, 200, p);
      return true;
    }
    if ((m = /^\/rules\/branches\/(.+)$/.exec(rest)) && method === "GET") {
      paged(res, `/repos/${owner}/${repo}${rest}`, query, rules.get(decodeURIComponent(m[1])) ?? []);
      return true;
    }
    if (rest === "/pulls" && method === "GET") {
      const head = query.head?.replace(/^[^:]+:/, "");
      const found = openedPulls.filter(
        (p) =>
          p.state === (query.state ?? "open") &&
          (!head || p.head === head) &&
          (!query.base || p.base === query.base),
      );
      // GitHub's shape: head/base as objects with their ref
      paged(
        res,
        `/repos/${owner}/${repo}${rest}`,
        query,
        found.map((p) => ({ ...p, head: { ref: p.head }, base: { ref: p.base } })),
      );
      return true;
    }
    if (user.readOnly && rest.startsWith("/pulls") && method !== "GET") {
      send(res, 403, { message: "Resource not accessible by integration" });
      return true;
    }
    if (rest === "/pulls" && method === "POST") {
      const b = body as { head: string; base: string; title: string; body?: string };
      const number = 500 + openedPulls.length;
      const pull: FakeOpenedPull = {
        number,
        node_id: `PR_node${number}`,
        head: b.head,
        base: b.base,
        title: b.title,
        body: b.body ?? "",
        state: "open",
        html_url: `https://github.example/${owner}/${repo}/pull/${number}`,
        auto_merge: false,
        labels: [],
      };
      openedPulls.push(pull);
      send(res, 201, pull);
      return true;
    }
    if ((m = /^\/pulls\/(\d+)$/.exec(rest)) && method === "PATCH") {
      const pull = openedPulls.find((p) => p.number === Number(m![1]));
      if (!pull) send(res, 404, { message: "Not Found" });
      else {
        const update = body as { title?: string; body?: string; state?: "open" | "closed" };
        for (const key of ["title", "body", "state"] as const)
          if (update[key] !== undefined) Object.assign(pull, { [key]: update[key] });
        send(res, 200, pull);
      }
      return true;
    }
    return false;
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", base);
      const path = url.pathname;
      const query = Object.fromEntries(url.searchParams);
      const method = req.method ?? "GET";
      const body = await readBody(req);
      const auth = req.headers.authorization ?? "";
      const token = auth.replace(/^(token|bearer)\s+/i, "");
      const user = tokens[token];
      requests.push({ method, path, query, body, login: user?.login });

      const faultIndex = faults.findIndex((f) => f.method === method && f.path.test(path) && f.times > 0);
      if (faultIndex >= 0) {
        const fault = faults[faultIndex];
        fault.times--;
        return send(
          res,
          fault.status,
          { message: fault.message ?? `injected ${fault.status}` },
          fault.headers,
        );
      }
      if (!user) return send(res, 401, { message: "Bad credentials" });

      if (path === "/graphql" && method === "POST") return graphql(res, body as GraphqlBody);
      const prefix = `/repos/${owner}/${repo}`;
      if (!path.startsWith(prefix)) return send(res, 404, { message: "Not Found" });
      const rest = path.slice(prefix.length);
      let m: RegExpExecArray | null;

      if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
        const issue = Number(m[1]);
        if (method === "GET")
          return paged(
            res,
            path,
            query,
            comments.filter((c) => c.issue === issue),
          );
        if (method === "POST") {
          if (user.readOnly) return send(res, 403, { message: "Resource not accessible by integration" });
          const text = (body as { body?: string })?.body ?? "";
          if (text.length > COMMENT_LIMIT) {
            return send(res, 422, {
              message: "Validation Failed",
              errors: [{ message: "body is too long (maximum is 65536 characters)" }],
            });
          }
          return send(res, 201, addComment(issue, user.login, text, user.type));
        }
      }
      if ((m = /^\/issues\/comments\/(\d+)$/.exec(rest)) && method === "PATCH") {
        if (user.readOnly) return send(res, 403, { message: "Resource not accessible by integration" });
        const comment = comments.find((c) => c.id === Number(m![1]));
        if (!comment) return send(res, 404, { message: "Not Found" });
        const text = (body as { body?: string })?.body ?? "";
        if (text.length > COMMENT_LIMIT) {
          return send(res, 422, {
            message: "Validation Failed",
            errors: [{ message: "body is too long (maximum is 65536 characters)" }],
          });
        }
        comment.body = text;
        comment.updated_at = now();
        return send(res, 200, comment);
      }
      if ((m = /^\/commits\/([0-9a-f]+)\/pulls$/.exec(rest)) && method === "GET") {
        return paged(res, path, query, pulls.get(m[1]) ?? []);
      }
      if ((m = /^\/pulls\/(\d+)\/files$/.exec(rest)) && method === "GET") {
        return paged(res, path, query, files.get(Number(m[1])) ?? []);
      }
      if ((m = /^\/pulls\/(\d+)$/.exec(rest)) && method === "GET") {
        const pr = pullRequests.get(Number(m[1]));
        return pr ? send(res, 200, pr) : send(res, 404, { message: "Not Found" });
      }
      if ((m = /^\/pulls\/(\d+)\/reviews$/.exec(rest)) && method === "GET") {
        return paged(res, path, query, reviews.get(Number(m[1])) ?? []);
      }
      if ((m = /^\/collaborators\/([^/]+)\/permission$/.exec(rest)) && method === "GET") {
        const login = decodeURIComponent(m[1]);
        const permission = permissions.get(login);
        if (!permission) return send(res, 404, { message: `${login} is not a user` });
        return send(res, 200, { permission, role_name: permission, user: { login } });
      }
      if ((m = /^\/issues\/comments\/(\d+)\/reactions$/.exec(rest)) && method === "POST") {
        if (user.readOnly) return send(res, 403, { message: "Resource not accessible by integration" });
        const content = String((body as { content?: unknown })?.content ?? "");
        reactions.push({ commentId: Number(m[1]), content, login: user.login });
        return send(res, 201, { id: reactions.length, content, user: { login: user.login } });
      }
      if (progressRoute(res, method, rest, query, body, user)) return;
      return send(res, 404, { message: "Not Found" });
    })().catch((error: unknown) => send(res, 500, { message: String(error) }));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    requests,
    comments,
    pulls,
    files,
    pullRequests,
    reviews,
    permissions,
    reactions,
    protection,
    rules,
    openedPulls,
    get allowAutoMerge() {
      return state.allowAutoMerge;
    },
    set allowAutoMerge(value: boolean) {
      state.allowAutoMerge = value;
    },
    addComment,
    commentsOn: (issue) => comments.filter((c) => c.issue === issue),
    fault: (fault) => faults.push(fault),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
