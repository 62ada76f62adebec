/**
 * `jobagent eval [interpreter|retrieval|prose|all]`: runs the evaluation sets that ship with the repository and
 * prints their scores. `interpreter` grades the labelled tickets (development set test/eval/tickets: tuning and
 * held-out parts; the sealed sets of SEALED_SETS) as exact / asked / wrong per kind with precision; `interpreter` and
 * `prose` use the LLM path when JOBAGENT_LLM_MODEL (+ _BASE_URL, _API_KEY) is set, else the offline interpreter.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createOfflineInterpreter } from "../techlead/interpreter/index.js";
import { formatOutcomes, runTicketEval, ticketTools } from "../dev/eval/tickets.js";
import { formatProseEvalReport, llmSettingsFromEnv, runProseEval } from "../dev/eval/prose.js";
import { createLlmInterpreter } from "../techlead/llm/index.js";
import { evaluateRetrieval } from "../retriever/eval.js";

/** The LLM path when JOBAGENT_LLM_MODEL (+ _BASE_URL, _API_KEY) is set, else the offline interpreter. */
function interpreterForEval() {
  const llm = llmSettingsFromEnv();
  return llm
    ? { interpreter: createLlmInterpreter(llm), path: `LLM ${llm.model}` }
    : { interpreter: createOfflineInterpreter(), path: "offline" };
}

/** The sealed ticket sets (test/eval/<dir>), in the order they were written; `key` names each in `--json`. */
const SEALED_SETS = [
  { dir: "sealed", key: "sealed", label: "Sealed set" },
  { dir: "sealed-2", key: "sealed2", label: "Second sealed set, sealed-2/" },
  { dir: "sealed-3", key: "sealed3", label: "Third sealed set, sealed-3/" },
  { dir: "sealed-4", key: "sealed4", label: "Fourth sealed set, sealed-4/" },
] as const;

const pct = (n: number, d: number) => (d === 0 ? "n/a" : `${((100 * n) / d).toFixed(1)}%`);

export async function runEval(
  which: string,
  io: { out: (t: string) => void; json: boolean; cwd: string },
): Promise<number> {
  const known = ["interpreter", "retrieval", "prose", "all"];
  if (!known.includes(which)) {
    io.out(`unknown eval "${which}": use one of ${known.join(", ")}`);
    return 2;
  }
  const report: Record<string, unknown> = {};
  const evalDir = (name: string) => join(io.cwd, "test", "eval", name);
  if (which === "retrieval" || which === "all") {
    const r = evaluateRetrieval();
    report.retrieval = r;
    if (!io.json) {
      io.out(
        `Retrieval: ${r.questions} questions — hit@1 ${r.hitAt1.toFixed(3)}, hit@3 ${r.hitAt3.toFixed(3)}, recall@5 ${r.hitAt5.toFixed(3)}, MRR ${r.mrr.toFixed(3)}`,
      );
    }
  }
  if (which === "interpreter" || which === "all") {
    const dir = evalDir("tickets");
    if (!existsSync(dir)) {
      io.out(`Interpreter eval: ${dir} not found (run from the repository root).`);
    } else {
      const interpreter = interpreterForEval();
      const r = await runTicketEval({ dir, interpreter: interpreter.interpreter });
      // The sealed sets, each reported apart so that its figures stay comparable (each was written by other people
      // before the changes it measures, and is never tuned on).
      const sealedSets: Array<{
        key: string;
        label: string;
        report: Awaited<ReturnType<typeof runTicketEval>>;
      }> = [];
      for (const set of SEALED_SETS) {
        const sealedDir = evalDir(set.dir);
        if (existsSync(sealedDir))
          sealedSets.push({
            key: set.key,
            label: set.label,
            report: await runTicketEval({ dir: sealedDir, interpreter: interpreter.interpreter }),
          });
      }
      report.interpreter = {
        ...r,
        path: interpreter.path,
        ...Object.fromEntries(sealedSets.map((set) => [set.key, set.report])),
      };
      if (!io.json) {
        io.out(
          `Interpreter (${interpreter.path}): ${r.passed}/${r.total} dev tickets (${pct(r.passed, r.total)}); ${Object.entries(
            r.parts,
          )
            .map(([name, part]) => `${name} ${part.passed}/${part.total}`)
            .join(", ")}`,
        );
        for (const [name, part] of Object.entries(r.parts))
          for (const line of formatOutcomes(
            `Development set, ${name}/ (${part.total} tickets)`,
            part.outcomes,
          ))
            io.out(line);
        for (const line of formatOutcomes(`Development set, all (${r.total} tickets)`, r.outcomes))
          io.out(line);
        if (r.skipped.length > 0)
          io.out(`  ${r.skipped.length} ticket(s) skipped: ${r.skipped[0].reason} (set JOBAGENT_CORPUS_DIR)`);
        for (const set of sealedSets)
          for (const line of formatOutcomes(
            `${set.label} (${set.report.total} tickets)`,
            set.report.outcomes,
          ))
            io.out(line);
        for (const f of r.failed.slice(0, 15)) io.out(`  ✗ ${f.id}: ${f.reasons.slice(0, 2).join("; ")}`);
      }
    }
  }
  if (which === "prose" || which === "all") {
    const dir = join(evalDir("prose"), "cases");
    if (!existsSync(dir)) {
      io.out(`Prose eval: ${dir} not found (run from the repository root).`);
    } else {
      const llm = llmSettingsFromEnv();
      const interpreter = llm ? createLlmInterpreter(llm) : createOfflineInterpreter();
      const r = await runProseEval({ dir, interpreter, tools: ticketTools([]) });
      report.prose = r;
      if (!io.json) io.out(formatProseEvalReport(r));
    }
  }
  if (io.json) io.out(JSON.stringify(report, null, 2));
  return 0;
}
