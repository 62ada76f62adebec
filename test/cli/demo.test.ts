// The README's first command: `npm run demo` (dist/cli.js demo in a child process, no Databricks account). It must
// tell the story the README shows — create, a no-op re-plan, an update, drift, a delete only with allow-delete —
// and leave nothing behind unless asked to keep its repository.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const CLI = resolve("dist/cli.js");
const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
const kept: string[] = [];

afterAll(async () => {
  for (const dir of kept) await rm(dir, { recursive: true, force: true });
});

/** The lines of one numbered step ("━━ 4. …") of the demo's output. */
function step(stdout: string, n: number): string {
  const start = stdout.indexOf(`━━ ${n}. `);
  const end = stdout.indexOf(`━━ ${n + 1}. `);
  return stdout.slice(start, end === -1 ? undefined : end);
}

describe("jobagent demo", () => {
  it("creates, re-plans to nothing, updates, restores drift and deletes with allow-delete; then cleans up", async () => {
    const { stdout } = await run(process.execPath, [CLI, "demo"], { env, maxBuffer: 16 * 1024 * 1024 });
    expect(step(stdout, 2)).toMatch(
      /2 to create, 0 to update, 0 to delete, 0 to run, 0 unchanged, 0 blocked/,
    );
    expect(step(stdout, 3)).toMatch(/✓ create customer_export → job \d+/);
    expect(step(stdout, 4)).toContain("create 0, update 0, delete 0, run 0, no-op 2");
    expect(step(stdout, 5)).toMatch(
      /0 to create, 1 to update, 0 to delete, 0 to run, 1 unchanged, 0 blocked/,
    );
    expect(step(stdout, 6)).toContain("changed outside the repo");
    expect(step(stdout, 7)).toMatch(/✓ delete customer_export/);
    expect(stdout).toContain("its temporary repository was removed");
    const repo = /A repository with two requirements \((.+?)\)/.exec(stdout)?.[1];
    expect(repo).toBeDefined();
    expect(existsSync(repo!)).toBe(false);
  });

  it("keeps its repository with --dir, with the task files committed", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "jobagent-demo-test-")), "repo");
    kept.push(join(dir, ".."));
    const { stdout } = await run(process.execPath, [CLI, "demo", "--dir", dir], {
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toContain(`Demo finished. Repository: ${dir}`);
    expect(existsSync(join(dir, "jobs/.tasks/progress.md"))).toBe(true);
  });
});
