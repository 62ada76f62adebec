/** The engine benchmark's entry for scripts/bench.mjs. */
export { benchEngine, type EngineBench } from "./engine-bench.js";
export { formatRows, reportRows, type StartupFigure } from "./bench-report.js";
