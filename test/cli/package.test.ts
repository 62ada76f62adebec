// The package as a user installs it (#17): `npm pack` → install the tarball offline into a fresh project with no
// dev dependencies → the installed `jobagent` runs --version, --help, init, validate and plan. The tarball holds only
// the allow-listed files, and the install pulls no dependency (the bundles contain them).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
let work: string;
let project: string;
let tarball: string;
let packed: { files: Array<{ path: string }>; size: number; unpackedSize: number };

// npm from PATH, run by this Node; PATH without this repository's node_modules/.bin (no dev dependency reachable)
const userPath = [
  dirname(process.execPath),
  ...(process.env.PATH ?? "").split(":").filter((p) => p !== "" && !p.includes("node_modules")),
].join(":");
const env = () => ({ PATH: userPath, HOME: work, npm_config_cache: join(work, "npm-cache") });

async function npm(args: string[], cwd: string) {
  return run("npm", args, { cwd, env: env(), maxBuffer: 1 << 26 });
}

async function installed(args: string[]) {
  const bin = join(project, "node_modules", ".bin", "jobagent");
  try {
    const r = await run(bin, args, { cwd: project, env: env(), maxBuffer: 1 << 26 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "jobagent-pack-"));
  const { stdout } = await npm(["pack", "--json", "--pack-destination", work], resolve("."));
  packed = (JSON.parse(stdout) as Array<typeof packed & { filename: string }>)[0]!;
  tarball = join(work, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
  project = join(work, "project");
  await run("git", ["init", "-q", project]);
  await run("git", ["remote", "add", "origin", "https://github.com/acme/lakehouse.git"], { cwd: project });
  await writeFile(join(project, "package.json"), '{"name":"team-repo","private":true}\n');
  await npm(["install", "--offline", "--no-audit", "--no-fund", tarball], project);
}, 180_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("the packed package", () => {
  it("holds only the allow-listed files: no sources, no tests", () => {
    const paths = packed.files.map((f) => f.path);
    for (const f of [
      "dist/cli.js",
      "dist/index.js",
      "dist/docs-index.json",
      "action.yml",
      "README.md",
      "LICENSE",
    ])
      expect(paths).toContain(f);
    expect(paths.filter((p) => /^(src|test|scripts|node_modules|jobs)\//.test(p))).toEqual([]);
    expect(paths.filter((p) => !/^(dist|docs)\//.test(p)).sort()).toEqual([
      "LICENSE",
      "README.md",
      "action.yml",
      "package.json",
    ]);
    // the bundles' lazily loaded chunks (dist/chunks/) and their licence texts ship with them
    expect(paths).toContain("dist/licenses.txt");
    expect(paths.filter((p) => !p.startsWith("dist/chunks/")).length).toBeLessThan(40);
  });

  it("installs with no dependency and runs --version, --help, init, validate and plan", async () => {
    const modules = (await readdir(join(project, "node_modules"))).filter((m) => !m.startsWith("."));
    expect(modules).toEqual(["databricks-job-agent"]);
    const { version } = JSON.parse(await readFile("package.json", "utf8")) as { version: string };
    const v = await installed(["--version"]);
    expect(v.stdout.trim()).toBe(`jobagent ${version}`);
    const help = await installed(["--help"]);
    expect(help.code).toBe(0);
    for (const c of ["init", "validate", "import", "plan", "--no-record", "--version"])
      expect(help.stdout).toContain(c);
    const init = await installed(["init"]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain("Project: acme/lakehouse");
    const validate = await installed(["validate"]);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/^Valid: 1 requirement\(s\)/m);
    const plan = await installed(["plan"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/1 to create/);
    expect(plan.stdout).toContain('create "example-daily-report"');
    // docs search works from the installed package (the prebuilt index ships in dist/)
    const docs = await installed(["docs", "search", "quartz cron schedule", "--json"]);
    expect((JSON.parse(docs.stdout) as { hits: unknown[] }).hits.length).toBeGreaterThan(0);
  });

  it("on a Node older than 24 says which Node it needs and how to get it, instead of failing to link", async () => {
    const bin = join(project, "node_modules", "databricks-job-agent", "dist", "cli.js");
    const expectAdvice = (r: { code: number; stdout: string; stderr: string }, version: string) => {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim()).toBe(
        `jobagent needs Node.js 24 or newer; this is Node.js ${version}. Install Node.js 24 (nodejs.org, or \`nvm install 24\`), or add it to the project: \`npm install --save-dev node@24\`, after which \`npx jobagent …\` and npm scripts run on it.`,
      );
    };
    const exec = async (node: string, args: string[]) => {
      try {
        const r = await run(node, args, { cwd: project, env: env() });
        return { code: 0, stdout: r.stdout, stderr: r.stderr };
      } catch (error) {
        const e = error as { code?: number; stdout?: string; stderr?: string };
        return {
          code: typeof e.code === "number" ? e.code : -1,
          stdout: e.stdout ?? "",
          stderr: e.stderr ?? "",
        };
      }
    };
    // Any machine: this Node made to report an old version before the CLI loads.
    const old = "data:text/javascript,Object.defineProperty(process.versions,'node',{value:'20.11.1'})";
    expectAdvice(await exec(process.execPath, ["--import", old, bin, "plan"]), "20.11.1");
    // A machine whose own Node is older (this one's is 20): the real thing, the bundle's imports not yet linked.
    for (const dir of userPath.split(":").slice(1)) {
      const node = join(dir, "node");
      const version = await run(node, ["-p", "process.versions.node"], { env: env() }).then(
        (r) => r.stdout.trim(),
        () => undefined,
      );
      if (!version || Number(version.split(".")[0]) >= 24) continue;
      expectAdvice(await exec(node, [bin, "import", "--bundle", "databricks.yml"]), version);
      break;
    }
  });
});
