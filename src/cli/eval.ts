/**
 * `jobagent eval [interpreter|retrieval|prose|all]`: runs the evaluation sets that ship with the repository and
 * prints their scores. `interpreter` grades the labelled tickets (development set test/eval/tickets: tuning and
 * held-out parts; sealed sets test/eval/sealed and test/eval/sealed-2) as exact / asked / wrong per kind with precision; `interpreter` and
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
      const sealedDir = evalDir("sealed");
      const sealed = existsSync(sealedDir)
        ? await runTicketEval({ dir: sealedDir, interpreter: interpreter.interpreter })
        : undefined;
      // The second sealed set (written 2026-12-07 by another tester), reported apart so each set's figures stay comparable.
      const sealed2Dir = evalDir("sealed-2");
      const sealed2 = existsSync(sealed2Dir)
        ? await runTicketEval({ dir: sealed2Dir, interpreter: interpreter.interpreter })
        : undefined;
      report.interpreter = {
        ...r,
        path: interpreter.path,
        ...(sealed ? { sealed } : {}),
        ...(sealed2 ? { sealed2 } : {}),
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
        if (sealed)
          for (const line of formatOutcomes(`Sealed set (${sealed.total} tickets)`, sealed.outcomes))
            io.out(line);
        if (sealed2)
          for (const line of formatOutcomes(
            `Second sealed set, sealed-2/ (${sealed2.total} tickets)`,
            sealed2.outcomes,
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
