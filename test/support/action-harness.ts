// The targets tests' world as a class: a bare remote seeded with their files and the fake GitHub, no workspace of
// its own (each target brings its local workspace through `env`). Every step — running `node dist/index.js` with
// the GitHub environment, the git moves, the payloads — is ./action-run.ts's, as in every other flow test.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGitHub, type FakeGitHub } from "./fake-github.js";
import {
  BUNDLE,
  GITHUB_TOKEN,
  OWNER,
  REPO,
  checkoutOf,
  dev,
  git,
  mergeIntoMain,
  openBranch,
  prPayload,
  pushPayload,
  runAction,
  write,
  type RunOptions,
  type RunResult,
} from "./action-run.js";

export { BUNDLE, OWNER, REPO, dev, git, prPayload, pushPayload, write };
export type { RunOptions, RunResult };

/** A bare remote seeded with `seedFiles` and the fake GitHub; no workspace of its own (targets bring theirs). */
export class ActionHarness {
  readonly root = mkdtempSync(join(tmpdir(), "jobagent-e2e-targets-"));
  readonly remote = join(this.root, "origin.git");
  github!: FakeGitHub;
  runs = 0;

  async start(seedFiles: Record<string, string>): Promise<void> {
    git(this.root, "init", "--quiet", "--bare", "-b", "main", this.remote);
    const seed = join(this.root, "seed");
    git(this.root, "clone", "--quiet", this.remote, seed);
    for (const [file, text] of Object.entries(seedFiles)) write(seed, file, text);
    dev(seed, "add", ".");
    dev(seed, "commit", "-q", "-m", "initial");
    dev(seed, "push", "-q", "origin", "HEAD:main");
    this.github = await startFakeGitHub({
      owner: OWNER,
      repo: REPO,
      tokens: { [GITHUB_TOKEN]: { login: "github-actions[bot]", type: "Bot" } },
    });
  }

  async close(): Promise<void> {
    await this.github?.close();
    rmSync(this.root, { recursive: true, force: true });
  }

  run(options: RunOptions): Promise<RunResult> {
    return runAction(this, options);
  }

  /** actions/checkout: a fresh clone with full history on `branch`, optionally reset to `sha` (GITHUB_SHA). */
  checkout(branch: string, name: string, sha?: string): string {
    const dir = checkoutOf(this, branch, name);
    if (sha) git(dir, "reset", "--quiet", "--hard", sha);
    return dir;
  }

  /** Opens a PR branch from main with `files`; returns the head and base shas. */
  openBranch(branch: string, files: Record<string, string>): { head: string; base: string } {
    return openBranch(this, branch, files);
  }

  /** Merges `branch` into main with a merge commit and registers the commit → PR link. */
  merge(branch: string, number: number): { sha: string; before: string } {
    return mergeIntoMain(this, branch, number, `merge-${number}`);
  }
}
