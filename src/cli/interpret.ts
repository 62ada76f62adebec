/** `jobagent interpret FILE`: the Jobs API requests one requirement would produce (nothing written or applied). */
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import type { EngineOptions } from "../engine/api.js";
import { createRunContext } from "../engine/context.js";
import { taskIdOf } from "../techlead/techlead.js";
import { stableIdOf } from "../techlead/requirements/stable-id.js";
import { withOwnership } from "../state/ownership.js";
import { interpretStructured, parseRequirement } from "../techlead/requirements/index.js";
import { createOfflineInterpreter, toApiRequests } from "../techlead/interpreter/index.js";
import { provenanceLine } from "../domain/render-provenance.js";
import { formatDiagnostic } from "./text.js";

export async function interpretOne(
  file: string,
  options: EngineOptions,
  json: boolean,
  out: (t: string) => void,
): Promise<number> {
  const text = await readFile(file, "utf8");
  const rel = relative(options.repoDir, file).split("\\").join("/");
  const { doc, diagnostics } = parseRequirement(rel, text);
  if (!doc) {
    for (const d of diagnostics) options.log.error(formatDiagnostic(d));
    return 1;
  }
  const ctx = createRunContext(options);
  const snapshot = await ctx.snapshot();
  const existingJobs = [...snapshot.jobs.values()];
  const interpretation =
    interpretStructured(doc) ??
    (await (
      options.llm
        ? (await import("../techlead/llm/index.js")).createLlmInterpreter(options.llm)
        : createOfflineInterpreter()
    ).interpret(doc, {
      existingJobs,
      tools: ctx.tools,
    }));
  const { requests, questions } = toApiRequests(interpretation, existingJobs);
  for (const request of requests) {
    if (request.endpoint === "jobs/create") {
      const item = interpretation.items.find(
        (i) =>
          i.action === "create" && i.settings && JSON.stringify(i.settings) === JSON.stringify(request.body),
      );
      if (item)
        request.body = withOwnership(
          request.body,
          options.repo,
          taskIdOf(options.jobsDir, rel, item.key, stableIdOf(doc.frontMatter)),
        );
    }
  }
  if (json) {
    out(JSON.stringify({ requests, questions }, null, 2));
  } else {
    out(`${rel}: interpreted by ${interpretation.source}`);
    for (const request of requests)
      out(`\nPOST /api/2.2/${request.endpoint}\n${JSON.stringify(request.body, null, 2)}`);
    if (questions.length > 0)
      out(`\nQuestions before this can be planned:\n${questions.map((q) => `  - ${q}`).join("\n")}`);
    const sources = interpretation.items.flatMap((item) => item.explanation ?? []);
    if (sources.length > 0) out(`\nInterpretation (field ← the words it was read from):`);
    for (const e of sources) out(`  ${provenanceLine(e)}`);
  }
  // The file's own findings (a pasted jobs/get answer's job id…) and the interpretation's.
  const all = [...diagnostics, ...interpretation.diagnostics];
  for (const d of all) options.log[d.severity === "error" ? "error" : "warn"](formatDiagnostic(d));
  return all.some((d) => d.severity === "error") ? 1 : 0;
}
