// The prebuilt index written by `npm run build` (test/global-setup.ts builds dist/ before the suites).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DocsSourceError, getRetriever } from "../../src/retriever/index.js";

const distIndex = path.resolve("dist/docs-index.json");
const tmp = mkdtempSync(path.join(os.tmpdir(), "retriever-dist-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("dist/docs-index.json", () => {
  it("is written by the build with the SDK reference and the knowledge notes", () => {
    expect(existsSync(distIndex), "run `npm run build`").toBe(true);
    const data = JSON.parse(readFileSync(distIndex, "utf8"));
    expect(data.format).toBe("jobagent-docs-index");
    const sources = new Set<string>(data.chunks.map((chunk: { source: string }) => chunk.source));
    expect(sources.has("sdk:jobs.CronSchedule")).toBe(true);
    expect(sources.has("knowledge:quartz-cron.md")).toBe(true);
    expect(sources.has("knowledge:README.md")).toBe(false);
    expect(statSync(distIndex).size).toBeLessThan(5 * 1024 * 1024);
  });

  it("loads lazily and answers exactly like the in-memory build from the same sources", () => {
    const fromFile = getRetriever({ indexFile: distIndex });
    expect(fromFile.stats().loaded).toBe(false);
    const memory = getRetriever();
    for (const query of [
      "email on failure",
      "autoscale between 2 and 8 workers",
      "timezone_id",
      "run the job as a service principal",
    ]) {
      expect(fromFile.search(query, 5)).toEqual(memory.search(query, 5));
    }
    expect(fromFile.seeAlso("schedule.timezone_id")).toEqual(memory.seeAlso("schedule.timezone_id"));
    // the prebuilt index carries the notes' documentation URLs (front matter `docs:`)
    expect(fromFile.seeAlsoLinks("schedule.timezone_id")).toEqual(
      memory.seeAlsoLinks("schedule.timezone_id"),
    );
    expect(fromFile.seeAlsoLinks("schedule.timezone_id")[0]).toMatch(
      / <https:\/\/docs\.databricks\.com\/aws\/en\/jobs\/scheduled>$/,
    );
    const stats = fromFile.stats();
    expect(stats).toMatchObject({ loaded: true, origin: "file", indexFile: distIndex });
    expect(stats.loadMs).toBeLessThan(2000);
  });

  it("adds a user's docs folder on top of the prebuilt index", () => {
    const docs = path.join(tmp, "docs");
    mkdirSync(docs, { recursive: true });
    writeFileSync(path.join(docs, "kiwi.md"), "# Kiwi\nThe kiwi export runs at dawn.");
    const retriever = getRetriever({ indexFile: distIndex, extraDocsDirs: [docs] });
    expect(retriever.search("kiwi export", 1)[0]).toMatchObject({ source: "docs:kiwi.md", heading: "Kiwi" });
    expect(retriever.stats().origin).toBe("file");
  });

  it("names the file and the fix when the index is missing or not an index", () => {
    expect(() => getRetriever({ indexFile: path.join(tmp, "missing.json") })).toThrow(
      /missing\.json does not exist; run `npm run build`/,
    );
    const bogus = path.join(tmp, "bogus.json");
    writeFileSync(bogus, JSON.stringify({ format: "something-else" }));
    const retriever = getRetriever({ indexFile: bogus });
    expect(() => retriever.search("cron")).toThrow(DocsSourceError);
    expect(() => retriever.search("cron")).toThrow(
      /bogus\.json: field "format" is "something-else".*rebuild it with `npm run build`/,
    );
    const broken = path.join(tmp, "broken.json");
    writeFileSync(broken, "{not json");
    expect(() => getRetriever({ indexFile: broken }).search("cron")).toThrow(
      /broken\.json is not valid JSON/,
    );
  });
});
