import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOctokitPort } from "../../src/adapters/github/octokit.js";
import type { GitHubPort } from "../../src/adapters/github/port.js";
import {
  findApprovedPlan,
  findOwnComment,
  formatMarker,
  parseMarker,
  upsertOwnComment,
  type StickyOptions,
} from "../../src/adapters/github/sticky.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github.js";

const BOT_TOKEN = "ghs_bot_token_for_tests";
const APP_TOKEN = "ghs_app_token_for_tests";
const options: StickyOptions = { kind: "plan", jobsDir: "jobs", trustedAuthors: ["github-actions[bot]"] };

let fake: FakeGitHub;
let github: GitHubPort;

beforeEach(async () => {
  fake = await startFakeGitHub({
    maxPerPage: 3,
    tokens: {
      [BOT_TOKEN]: { login: "github-actions[bot]", type: "Bot" },
      [APP_TOKEN]: { login: "jobs-app[bot]", type: "Bot" },
    },
  });
  github = createOctokitPort({ token: BOT_TOKEN, apiUrl: fake.url, owner: "acme", repo: "data-jobs" });
});
afterEach(() => fake.close());

const planMarker = (planHash: string, headSha = "a".repeat(40)) =>
  formatMarker({ kind: "plan", jobsDir: "jobs", planHash, headSha });

describe("markers", () => {
  it("round-trips kind, jobs dir, plan hash and head sha; rejects bodies not starting with a marker", () => {
    const marker = {
      kind: "plan" as const,
      jobsDir: "teams/data jobs",
      planHash: "0123abcd",
      headSha: "b".repeat(40),
    };
    expect(parseMarker(`${formatMarker(marker)}\n## Plan`)).toEqual(marker);
    expect(parseMarker(`> ${formatMarker(marker)}`)).toBeUndefined();
    expect(parseMarker("just a comment")).toBeUndefined();
    expect(() => formatMarker({ ...marker, planHash: "x --> <script>" })).toThrow(/cannot carry/);
  });
});

describe("sticky comment", () => {
  it("finds the bot's marked comment on a later page, ignoring a human quoting the marker and unmarked bot comments", async () => {
    fake.addComment(7, "alice", "Looks good");
    fake.addComment(7, "mallory", `${planMarker("evil0000")}\nI copied the marker`);
    fake.addComment(7, "github-actions[bot]", "Some other bot message without a marker");
    fake.addComment(7, "bob", "LGTM");
    fake.addComment(
      7,
      "github-actions[bot]",
      formatMarker({ kind: "plan", jobsDir: "other-jobs", planHash: "0ther000" }),
    );
    const own = fake.addComment(7, "github-actions[bot]", `${planMarker("feedf00d")}\n## Plan`);

    const found = await findOwnComment(github, 7, options);
    expect(found?.comment.id).toBe(own.id);
    expect(found?.marker.planHash).toBe("feedf00d");
    // six comments at three per page: both pages were read
    const pages = fake.requests.filter((r) => r.path.endsWith("/issues/7/comments") && r.method === "GET");
    expect(pages.map((r) => r.query.page ?? "1")).toEqual(["1", "2"]);
  });

  it("creates the comment once and then edits it in place, never touching a human's comment", async () => {
    const human = fake.addComment(9, "alice", `${planMarker("0ld00000")}\nquoting the bot`);
    const first = await upsertOwnComment(github, 9, options, () => `${planMarker("11111111")}\nfirst plan`);
    expect(first.created).toBe(true);
    const second = await upsertOwnComment(github, 9, options, (previous) => {
      expect(previous?.planHash).toBe("11111111");
      return `${planMarker("22222222")}\nsecond plan (supersedes ${previous?.planHash})`;
    });
    expect(second.created).toBe(false);
    expect(second.comment.id).toBe(first.comment.id);
    const onPr = fake.commentsOn(9);
    expect(onPr).toHaveLength(2);
    expect(onPr.find((c) => c.id === human.id)?.body).toContain("quoting the bot");
    expect(onPr.find((c) => c.id === first.comment.id)?.body).toContain("second plan (supersedes 11111111)");
    expect(fake.requests.filter((r) => r.method === "PATCH").map((r) => r.path)).toEqual([
      `/repos/acme/data-jobs/issues/comments/${first.comment.id}`,
    ]);
  });

  it("with another token (a GitHub App) owns only comments of the configured bot login", async () => {
    fake.addComment(3, "github-actions[bot]", `${planMarker("aaaa0000")}\nfrom the workflow token`);
    const app = createOctokitPort({ token: APP_TOKEN, apiUrl: fake.url, owner: "acme", repo: "data-jobs" });
    const appOptions = { ...options, trustedAuthors: ["jobs-app[bot]"] };
    const created = await upsertOwnComment(
      app,
      3,
      appOptions,
      () => `${planMarker("bbbb0000")}\nfrom the app`,
    );
    expect(created.created).toBe(true);
    expect(created.comment.author).toBe("jobs-app[bot]");
    expect((await findOwnComment(app, 3, appOptions))?.comment.id).toBe(created.comment.id);
    expect(fake.commentsOn(3)[0].body).toContain("from the workflow token");
  });

  it("retries a transient 502 from GitHub", async () => {
    fake.fault({ method: "GET", path: /\/issues\/4\/comments$/, status: 502, times: 1 });
    fake.addComment(4, "github-actions[bot]", `${planMarker("cccc0000")}\nplan`);
    expect((await findOwnComment(github, 4, options))?.marker.planHash).toBe("cccc0000");
    expect(fake.requests.filter((r) => r.path.endsWith("/issues/4/comments")).length).toBe(2);
  });
});

describe("approved plan lookup", () => {
  const mergeSha = "c".repeat(40);

  it("finds the merged PR of the commit and the plan hash from the bot's comment only", async () => {
    fake.pulls.set(mergeSha, [
      { number: 5, state: "closed", merged_at: null, merge_commit_sha: "d".repeat(40) },
      {
        number: 12,
        state: "closed",
        merged_at: "2026-01-02T00:00:00Z",
        merge_commit_sha: mergeSha,
        head: { ref: "add-job", sha: "e".repeat(40) },
      },
    ]);
    fake.addComment(12, "mallory", `${planMarker("f0f0f0f0", "e".repeat(40))}\nfake approval`);
    fake.addComment(12, "github-actions[bot]", `${planMarker("12345678", "e".repeat(40))}\n## Plan`);
    const approved = await findApprovedPlan(github, mergeSha, {
      jobsDir: "jobs",
      trustedAuthors: ["github-actions[bot]"],
    });
    expect(approved?.pullRequest.number).toBe(12);
    expect(approved?.planHash).toBe("12345678");
    expect(approved?.headSha).toBe("e".repeat(40));
  });

  it("gives no hash when only a human carries the marker, and nothing for a direct push", async () => {
    fake.pulls.set(mergeSha, [
      { number: 13, state: "closed", merged_at: "2026-01-02T00:00:00Z", merge_commit_sha: mergeSha },
    ]);
    fake.addComment(13, "mallory", `${planMarker("f0f0f0f0")}\nfake approval`);
    const approved = await findApprovedPlan(github, mergeSha, {
      jobsDir: "jobs",
      trustedAuthors: ["github-actions[bot]"],
    });
    expect(approved?.pullRequest.number).toBe(13);
    expect(approved?.planHash).toBeUndefined();
    expect(
      await findApprovedPlan(github, "9".repeat(40), {
        jobsDir: "jobs",
        trustedAuthors: ["github-actions[bot]"],
      }),
    ).toBeUndefined();
  });

  it("never takes an open pull request (or another merged one) listed for the pushed commit as approval", async () => {
    const sha = "a1".repeat(20);
    fake.pulls.set(sha, [
      { number: 40, state: "open", merged_at: null, merge_commit_sha: "b2".repeat(20) },
      { number: 41, state: "closed", merged_at: "2026-01-02T00:00:00Z", merge_commit_sha: "c3".repeat(20) },
    ]);
    fake.addComment(40, "github-actions[bot]", `${planMarker("40404040")}\n## Plan`);
    fake.addComment(41, "github-actions[bot]", `${planMarker("41414141")}\n## Plan`);
    expect(
      await findApprovedPlan(github, sha, { jobsDir: "jobs", trustedAuthors: ["github-actions[bot]"] }),
    ).toBeUndefined();
  });

  it("asks again while GitHub does not list the merged pull request yet", async () => {
    const sha = "d4".repeat(20);
    fake.addComment(42, "github-actions[bot]", `${planMarker("42424242")}\n## Plan`);
    setTimeout(
      () =>
        fake.pulls.set(sha, [
          { number: 42, state: "closed", merged_at: "2026-01-02T00:00:00Z", merge_commit_sha: sha },
        ]),
      150,
    );
    const approved = await findApprovedPlan(github, sha, {
      jobsDir: "jobs",
      trustedAuthors: ["github-actions[bot]"],
      retryDelaysMs: [100, 200, 400],
    });
    expect(approved?.pullRequest.number).toBe(42);
    expect(approved?.planHash).toBe("42424242");
    const asked = fake.requests.filter((r) => r.path.endsWith(`/commits/${sha}/pulls`)).length;
    expect(asked).toBeGreaterThanOrEqual(2);
    expect(asked).toBeLessThanOrEqual(4);
  });

  it("gives no hash when the bot's comment was marked outdated (no plan hash in its marker)", async () => {
    fake.pulls.set(mergeSha, [
      { number: 14, state: "closed", merged_at: "2026-01-02T00:00:00Z", merge_commit_sha: mergeSha },
    ]);
    fake.addComment(
      14,
      "github-actions[bot]",
      `${formatMarker({ kind: "plan", jobsDir: "jobs", headSha: "e".repeat(40) })}\nOutdated`,
    );
    const approved = await findApprovedPlan(github, mergeSha, {
      jobsDir: "jobs",
      trustedAuthors: ["github-actions[bot]"],
    });
    expect(approved?.commentId).toBeDefined();
    expect(approved?.planHash).toBeUndefined();
  });
});
