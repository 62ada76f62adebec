// The inputs the runner gives the action for the example workflow (.github/workflows/jobagent.yml, the one the
// README and docs/action.md print and `jobagent init` writes): every action.yml default, then the step's `with:`
// evaluated as GitHub does — a repository variable or secret that does not exist is an empty string.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

interface ActionYml {
  inputs: Record<string, { default?: string }>;
}
interface Workflow {
  jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>;
}

export interface WorkflowContext {
  event: string;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /** `${{ github.token }}`. */
  githubToken: string;
}

/** The step of the example workflow that runs the action. */
export function exampleActionStep(file = ".github/workflows/jobagent.yml"): Record<string, string> {
  const workflow = parse(readFileSync(file, "utf8")) as Workflow;
  for (const job of Object.values(workflow.jobs))
    for (const step of job.steps)
      if (step.uses?.startsWith("databricks-job-agent/jobagent"))
        return Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]));
  throw new Error(`${file} has no step using the action`);
}

function evaluate(text: string, context: WorkflowContext): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    let m: RegExpExecArray | null;
    if ((m = /^vars\.(\w+)$/.exec(expression))) return context.vars?.[m[1]] ?? "";
    if ((m = /^secrets\.(\w+)$/.exec(expression))) return context.secrets?.[m[1]] ?? "";
    if (expression === "github.token") return context.githubToken;
    if ((m = /^github\.event_name == '(\w+)'$/.exec(expression))) return String(context.event === m[1]);
    throw new Error(`example-workflow.ts cannot evaluate \${{ ${expression} }}`);
  });
}

/** input name → value, as the runner passes them (INPUT_<NAME>) to the example workflow's step. */
export function exampleWorkflowInputs(context: WorkflowContext): Record<string, string> {
  const action = parse(readFileSync("action.yml", "utf8")) as ActionYml;
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs))
    inputs[name] = evaluate(spec.default ?? "", context);
  for (const [name, value] of Object.entries(exampleActionStep())) inputs[name] = evaluate(value, context);
  return inputs;
}
