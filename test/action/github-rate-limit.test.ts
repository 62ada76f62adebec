// Rate-limit waits of the GitHub port are bounded in count and in time: over real HTTP against the fake GitHub,
// a short secondary-limit wait is waited out, a primary limit asking for most of an hour is not, and the waits of
// a run share one time budget.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOctokitPort } from "../../src/adapters/github/octokit.js";
import { GitHubApiError } from "../../src/adapters/github/port.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github.js";

const TOKEN = "ghs_rate_limit_test_token";
let fake: FakeGitHub;
let warnings: string[];

beforeEach(async () => {
  fake = await startFakeGitHub({ tokens: { [TOKEN]: { login: "github-actions[bot]", type: "Bot" } } });
  fake.addComment(4, "someone", "hello");
  warnings = [];
});
afterEach(() => fake.close());

const port = (rateLimitWaitSeconds?: number) =>
  createOctokitPort({
    token: TOKEN,
    apiUrl: fake.url,
    owner: "acme",
    repo: "data-jobs",
    rateLimitWaitSeconds,
    warn: (m) => warnings.push(m),
  });
const commentRequests = () => fake.requests.filter((r) => r.path.endsWith("/issues/4/comments")).length;
const secondary = {
  method: "GET",
  path: /\/issues\/4\/comments$/,
  status: 403,
  headers: { "retry-after": "1" },
};
const SECONDARY_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";

describe("GitHub rate limits", () => {
  it("waits out a short secondary limit and succeeds", async () => {
    fake.fault({ ...secondary, times: 1, message: SECONDARY_MESSAGE });
    const comments = await port().listIssueComments(4);
    expect(comments.map((c) => c.body)).toEqual(["hello"]);
    expect(commentRequests()).toBe(2);
    expect(warnings.join("\n")).toMatch(/secondary rate limit .*retry 1 in 1s/);
  });

  it("does not wait for a primary limit that resets in an hour: a clear error instead", async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    fake.fault({
      method: "GET",
      path: /\/issues\/4\/comments$/,
      status: 403,
      times: 1,
      message: "API rate limit exceeded for installation ID 1.",
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-limit": "1000", "x-ratelimit-reset": reset },
    });
    const error = await port()
      .listIssueComments(4)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(403);
    expect((error as Error).message).toMatch(/rate limit exceeded/i);
    expect(commentRequests()).toBe(1);
    expect(warnings.join("\n")).toMatch(
      /rate limit for GET .*: not waiting \d{3,4}s .*0s of the 120s budget used/,
    );
  });

  it("shares one time budget between the waits of a run", async () => {
    fake.fault({ ...secondary, times: 2, message: SECONDARY_MESSAGE });
    const error = await port(1)
      .listIssueComments(4)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(commentRequests()).toBe(2);
    expect(warnings.join("\n")).toMatch(/not waiting 1s \(retry 2; 1s of the 1s budget used\)/);
  });
});
