/**
 * The engine benchmark's table: every figure beside its baseline (measured in the same run) and its goal
 * (issue #18), with PASS/FAIL.
 */
import type { EngineBench, SizeFigures } from "./engine-bench.js";

export interface Row {
  figure: string;
  value: string;
  baseline: string;
  goal: string;
  pass?: boolean;
}

export interface StartupFigure {
  cliMs: number;
  nodeMs: number;
}

const ratio = (a: number, b: number) => a / Math.max(1, b);
const x = (n: number) => `${n.toFixed(1)}×`;

function sizeRows(s: SizeFigures): Row[] {
  const n = s.files;
  const first = ratio(s.firstPlan.ms, s.firstPlan.baselineMs);
  const re = ratio(s.replan.ms, s.replan.baselineMs);
  const perJob = s.replan.requests / n;
  // O(N/100): two listings (the plan's under the lease, the read-back after the writes) + a few preflight reads.
  const readGoal = 2 * Math.ceil(n / 100) + 10;
  // Writes of jobs (jobs/create …) vs the rest: the apply lock and the ownership ledger, one write per 100 records.
  // (A request refused with 429 is counted under its endpoint and again under "429 …": it is not a write.)
  const jobWrites = Object.entries(s.apply.byEndpoint)
    .filter(([key]) => /^(429 )?POST \/api\/[\d.]+\/jobs\//.test(key))
    .reduce((sum, [key, count]) => sum + (key.startsWith("429 ") ? -count : count), 0);
  const otherWrites = s.apply.writes - jobWrites;
  const otherGoal = readGoal + Math.ceil(n / 100) + 10;
  return [
    {
      figure: `first plan, ${n} files`,
      value: `${s.firstPlan.ms} ms = ${x(first)}`,
      baseline: `${s.firstPlan.baselineMs} ms read+parse`,
      goal: "≤ 5×",
      pass: first <= 5,
    },
    {
      // Context, not a goal of the issue: the first plan creates a task file per job, which the baseline does not.
      figure: `first plan, ${n} files, beside read+parse+write`,
      value: `${x(ratio(s.firstPlan.ms, s.firstPlan.baselineMs + s.writeFloorMs))}`,
      baseline: `${s.firstPlan.baselineMs + s.writeFloorMs} ms (writing ${n} task files: ${s.writeFloorMs} ms)`,
      goal: "",
    },
    {
      figure: `re-plan unchanged, ${n} files`,
      value: `${s.replan.ms} ms = ${x(re)}`,
      baseline: `${s.replan.baselineMs} ms read+parse`,
      goal: "≤ 3×",
      pass: re <= 3,
    },
    {
      figure: `requests per job, re-plan ${n}`,
      value: `${perJob.toFixed(3)} (${s.replan.requests})`,
      baseline: `first plan ${(s.firstPlan.requests / n).toFixed(3)}`,
      goal: "≤ 0.02",
      pass: perJob <= 0.02,
    },
    {
      figure: `apply ${n} creates: job writes / other`,
      value: `${jobWrites} / ${otherWrites} writes + ${s.apply.reads} reads`,
      baseline: `${n} creates`,
      goal: `≤ ${n} / ≤ ${otherGoal} calls`,
      pass: jobWrites <= n && otherWrites + s.apply.reads <= otherGoal,
    },
    { figure: `apply ${n} creates: time`, value: `${s.apply.ms} ms`, baseline: "", goal: "" },
    {
      figure: `peak RSS plan / re-plan / apply, ${n}`,
      value: `${s.firstPlan.maxRssMb} / ${s.replan.maxRssMb} / ${s.apply.maxRssMb} MB`,
      baseline: "",
      goal: n >= 10000 ? "≤ 1024 MB" : n >= 1000 ? "≤ 200 MB" : "",
      ...(n >= 1000
        ? {
            pass:
              Math.max(s.firstPlan.maxRssMb, s.replan.maxRssMb, s.apply.maxRssMb) <=
              (n >= 10000 ? 1024 : 200),
          }
        : {}),
    },
  ];
}

function slopeRows(sizes: SizeFigures[]): Row[] {
  const rows: Row[] = [];
  const thousand = sizes.find((s) => s.files === 1000);
  for (const s of sizes) {
    if (!thousand || s.files <= 1000) continue;
    const growth = ratio(s.firstPlan.ms, thousand.firstPlan.ms);
    const slope = (s.firstPlan.ms - thousand.firstPlan.ms) / (s.files - 1000);
    rows.push({
      figure: `first plan ${s.files} vs 1000 files`,
      value: `${x(growth)} (slope ${slope.toFixed(2)} ms/file)`,
      baseline: `${thousand.firstPlan.ms} ms; baseline ${x(ratio(s.baselineMs, thousand.baselineMs))}`,
      goal: `≤ ${s.files / 1000 + 1}×`,
      pass: growth <= s.files / 1000 + 1,
    });
  }
  return rows;
}

export function reportRows(bench: EngineBench, startup?: StartupFigure): Row[] {
  const rows = bench.sizes.flatMap(sizeRows);
  rows.push(...slopeRows(bench.sizes));
  const rl = bench.rateLimited;
  const stats = rl.apply.requestStats;
  const predictable = stats?.predictable ?? rl.apply.rejected429;
  rows.push({
    figure: `apply ${rl.jobs} creates under ${rl.writesPerSecond} writes/s`,
    value: `${(rl.fractionOfLimit * 100).toFixed(1)}% (${rl.jobsPerSecond} jobs/s; 429: ${rl.apply.rejected429}, predictable ${predictable}; learned ${stats?.limits.write ?? "-"}/s)`,
    baseline: `limit ${rl.writesPerSecond}/s; apply ${(rl.apply.ms / 1000).toFixed(1)} s`,
    goal: "≥ 90 %, 0 predictable 429",
    pass: rl.fractionOfLimit >= 0.9 && predictable === 0,
  });
  if (startup) {
    const r = ratio(startup.cliMs, startup.nodeMs);
    rows.push({
      figure: "CLI start-up (--help)",
      value: `${startup.cliMs} ms = ${x(r)}`,
      baseline: `node -e 0 ${startup.nodeMs} ms`,
      goal: "",
    });
  }
  return rows;
}

export function formatRows(rows: Row[]): string {
  const head: Row = { figure: "figure", value: "ours", baseline: "baseline", goal: "goal" };
  const all = [head, ...rows];
  const w = (k: keyof Omit<Row, "pass">) => Math.max(...all.map((r) => r[k].length));
  const line = (r: Row, verdict: string) =>
    `  ${r.figure.padEnd(w("figure"))}  ${r.value.padEnd(w("value"))}  ${r.baseline.padEnd(w("baseline"))}  ${r.goal.padEnd(w("goal"))}  ${verdict}`;
  return all
    .map((r, i) => line(r, i === 0 ? "result" : r.pass === undefined ? "" : r.pass ? "PASS" : "FAIL"))
    .join("\n");
}
