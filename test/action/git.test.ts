import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitOperationError } from "../../src/adapters/git/port.js";
import { createSimpleGitPort } from "../../src/adapters/git/simple-git.js";

const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env, encoding: "utf8" }).trim();
}
function person(cwd: string, ...args: string[]): string {
  return git(cwd, "-c", "user.name=Alice", "-c", "user.email=alice@example.com", ...args);
}
function write(dir: string, file: string, text: string): void {
  mkdirSync(join(dir, file, ".."), { recursive: true });
  writeFileSync(join(dir, file), text);
}

let root: string;
let remote: string;
let checkout: string;
let other: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "jobagent-git-"));
  remote = join(root, "remote.git");
  git(root, "init", "--bare", "-b", "main", remote);
  const seed = join(root, "seed");
  git(root, "clone", remote, seed);
  write(seed, "jobs/orders.md", "# orders\n");
  write(seed, "README.md", "hello\n");
  person(seed, "add", ".");
  person(seed, "commit", "-m", "seed");
  git(seed, "push", "origin", "HEAD:main");
  checkout = join(root, "checkout");
  other = join(root, "other");
  git(root, "clone", remote, checkout);
  git(root, "clone", remote, other);
  process.env.GIT_CONFIG_GLOBAL = "/dev/null";
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("git port", () => {
  it("commits only the given paths with the action's identity and pushes through origin", async () => {
    write(checkout, "jobs/.tasks/orders-main.md", "---\nstatus: PLANNED\n---\n");
    write(checkout, "unrelated.txt", "not mine\n");
    const port = createSimpleGitPort({ repoDir: checkout });
    const result = await port.commitAndPush({
      paths: ["jobs"],
      message: "jobagent: task files",
      branch: "main",
    });
    expect(result.attempts).toBe(1);
    expect(git(remote, "rev-parse", "main")).toBe(result.sha);
    expect(git(remote, "log", "-1", "--format=%an <%ae>|%s", "main")).toBe(
      "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|jobagent: task files",
    );
    expect(git(remote, "show", "--name-only", "--format=", "main")).toBe("jobs/.tasks/orders-main.md");
    // the user's config was not rewritten
    expect(() => git(checkout, "config", "--local", "user.name")).toThrow();
    expect(git(checkout, "status", "--porcelain")).toBe("?? unrelated.txt");
  });

  it("does nothing when nothing under the paths changed", async () => {
    write(checkout, "unrelated.txt", "x\n");
    const port = createSimpleGitPort({ repoDir: checkout });
    const before = git(remote, "rev-parse", "main");
    expect(await port.commitAndPush({ paths: ["jobs"], message: "m", branch: "main" })).toEqual({
      attempts: 0,
    });
    expect(git(remote, "rev-parse", "main")).toBe(before);
  });

  it("rebases onto a branch that moved and retries the push, keeping the other commit (no force push)", async () => {
    write(other, "jobs/new-req.md", "# new requirement\n");
    person(other, "add", ".");
    person(other, "commit", "-m", "someone else merged");
    git(other, "push", "origin", "HEAD:main");
    const theirs = git(other, "rev-parse", "HEAD");

    write(checkout, "jobs/.tasks/progress.md", "# progress\n- applied\n");
    const logs: string[] = [];
    const port = createSimpleGitPort({ repoDir: checkout, log: (m) => logs.push(m) });
    const result = await port.commitAndPush({
      paths: ["jobs"],
      message: "jobagent: apply [skip ci]",
      branch: "main",
    });
    expect(result.attempts).toBe(2);
    expect(logs.join("\n")).toMatch(/origin\/main moved; rebasing/);
    expect(git(remote, "rev-parse", "main")).toBe(result.sha);
    expect(git(remote, "rev-parse", "main~1")).toBe(theirs);
    expect(git(remote, "log", "-1", "--format=%s", "main")).toBe("jobagent: apply [skip ci]");
  });

  it("stops with a conflict error (and a clean checkout) when the same file changed on both sides", async () => {
    write(other, "jobs/.tasks/progress.md", "# progress\n- theirs\n");
    person(other, "add", ".");
    person(other, "commit", "-m", "theirs");
    git(other, "push", "origin", "HEAD:main");
    const theirs = git(other, "rev-parse", "HEAD");

    write(checkout, "jobs/.tasks/progress.md", "# progress\n- ours\n");
    const port = createSimpleGitPort({ repoDir: checkout });
    const error = await port
      .commitAndPush({ paths: ["jobs"], message: "ours", branch: "main" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitOperationError);
    expect((error as GitOperationError).kind).toBe("conflict");
    expect((error as Error).message).toMatch(/conflicted in jobs\/\.tasks\/progress\.md/);
    expect(git(remote, "rev-parse", "main")).toBe(theirs);
    expect(git(checkout, "status", "--porcelain")).toBe("");
  });

  it("keeps both runs' lines when the progress log was appended on both sides", async () => {
    write(other, "jobs/.tasks/progress.md", "# progress\n- run 1 applied orders\n");
    person(other, "add", ".");
    person(other, "commit", "-m", "run 1");
    git(other, "push", "origin", "HEAD:main");

    write(checkout, "jobs/.tasks/progress.md", "# progress\n- run 2 applied invoices\n");
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith("jobagent-git-"));
    const port = createSimpleGitPort({ repoDir: checkout, unionMergePaths: ["jobs/.tasks/progress.md"] });
    const result = await port.commitAndPush({ paths: ["jobs"], message: "run 2 [skip ci]", branch: "main" });
    expect(result.attempts).toBe(2);
    // the private attributes file lives only as long as the rebase
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith("jobagent-git-"))).toEqual(before);
    const merged = git(remote, "show", "main:jobs/.tasks/progress.md");
    expect(merged).toContain("- run 1 applied orders");
    expect(merged).toContain("- run 2 applied invoices");
    expect(merged).not.toMatch(/<<<<<<<|>>>>>>>/);
  });

  it("reports a refused push (not a moved branch) without retrying", async () => {
    // a pre-receive hook stands in for a protected branch
    write(
      remote,
      "hooks/pre-receive",
      "#!/bin/sh\necho 'GH006: Protected branch update failed' >&2\nexit 1\n",
    );
    execFileSync("chmod", ["+x", join(remote, "hooks/pre-receive")]);
    write(checkout, "jobs/.tasks/x.md", "x\n");
    const port = createSimpleGitPort({ repoDir: checkout });
    const error = await port
      .commitAndPush({ paths: ["jobs"], message: "m", branch: "main" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitOperationError);
    expect((error as GitOperationError).kind).toBe("refused");
    expect((error as Error).message).toMatch(
      /refused the push to main: GH006: Protected branch update failed/,
    );
  });

  it("catches up over the action's own [skip ci] state commits, but not over anyone else's", async () => {
    const start = git(checkout, "rev-parse", "HEAD");
    const bot = createSimpleGitPort({ repoDir: other });
    write(other, "jobs/.tasks/a.md", "status: COMPLETE\n");
    await bot.commitAndPush({
      paths: ["jobs"],
      message: "jobagent: applied plan x [skip ci]",
      branch: "main",
    });
    const port = createSimpleGitPort({ repoDir: checkout });
    expect(await port.fastForwardOverOwnCommits("main")).toBe(1);
    expect(git(checkout, "rev-parse", "HEAD")).toBe(git(remote, "rev-parse", "main"));

    git(checkout, "reset", "-q", "--hard", start);
    write(other, "jobs/b.md", "# b\n");
    person(other, "add", ".");
    person(other, "commit", "-m", "a person's merge");
    git(other, "push", "origin", "HEAD:main");
    expect(await port.fastForwardOverOwnCommits("main")).toBe(0);
    expect(git(checkout, "rev-parse", "HEAD")).toBe(start);
  });

  it("reads a state branch: merges its states, keeps this branch's version whole of a file changed on both sides", async () => {
    // the state branch: a bot commit over main changing two task files and the progress log
    const bot = createSimpleGitPort({ repoDir: other, unionMergePaths: ["jobs/.tasks/progress.md"] });
    git(other, "checkout", "-q", "-b", "jobagent/state");
    write(other, "jobs/.tasks/a.md", "---\nplan_id: p1\nowner: x\nstatus: COMPLETE\n---\n");
    write(other, "jobs/.tasks/b.md", "---\nstatus: COMPLETE\n---\n");
    write(other, "jobs/.tasks/progress.md", "- applied a\n");
    await bot.commitAndPush({
      paths: ["jobs"],
      message: "jobagent: applied [skip ci]",
      branch: "jobagent/state",
    });
    // main meanwhile: a newer plan of task a, another line in the progress log
    write(checkout, "jobs/.tasks/a.md", "---\nplan_id: p2\nowner: x\nstatus: PLANNED\n---\n");
    write(checkout, "jobs/.tasks/progress.md", "- planned a again\n");
    person(checkout, "add", ".");
    person(checkout, "commit", "-m", "merge of a newer plan");
    const port = createSimpleGitPort({ repoDir: checkout, unionMergePaths: ["jobs/.tasks/progress.md"] });

    expect(await port.mergeFromOrigin("jobagent/state")).toBe("merged");
    expect(git(checkout, "show", "HEAD:jobs/.tasks/a.md")).toBe(
      "---\nplan_id: p2\nowner: x\nstatus: PLANNED\n---",
    );
    expect(git(checkout, "show", "HEAD:jobs/.tasks/b.md")).toBe("---\nstatus: COMPLETE\n---");
    expect(git(checkout, "show", "HEAD:jobs/.tasks/progress.md").split("\n").sort()).toEqual([
      "- applied a",
      "- planned a again",
    ]);
    expect(git(checkout, "status", "--porcelain")).toBe("");
    expect(await port.mergeFromOrigin("jobagent/state")).toBe("up-to-date");
    expect(await port.mergeFromOrigin("no-such-branch")).toBe("absent");
  });

  it("lists files changed since the merge base", async () => {
    const base = git(checkout, "rev-parse", "HEAD");
    write(checkout, "jobs/a.md", "a\n");
    person(checkout, "add", ".");
    person(checkout, "commit", "-m", "a");
    const port = createSimpleGitPort({ repoDir: checkout });
    expect(await port.changedFilesSince(base)).toEqual(["jobs/a.md"]);
    expect(await port.headSha()).toBe(git(checkout, "rev-parse", "HEAD"));
  });
});
