// The settings table (src/settings/spec.ts) against action.yml and the CLI's flags and help, and the same settings
// read through the action's inputs and the CLI's flags / JOBAGENT_* environment.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  SETTINGS,
  cliEnvName,
  cliSource,
  readSettings,
  type Settings,
  type SettingSpec,
} from "../../src/settings/index.js";
import { parseInputs } from "../../src/action/inputs.js";
import { ConfigurationError, FAILURE_REASONS } from "../../src/action/errors.js";
import { FLAGS, HELP } from "../../src/cli/main.js";

const actionYml = parse(readFileSync("action.yml", "utf8")) as {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
};
const specs = SETTINGS as readonly SettingSpec[];
const on = (surface: "action" | "cli") =>
  specs.filter((s) => (s.surfaces as readonly string[]).includes(surface));

describe("action.yml and the settings table", () => {
  it("has an input for every action setting and a setting for every input", () => {
    expect(Object.keys(actionYml.inputs).sort()).toEqual(
      on("action")
        .map((s) => s.name)
        .sort(),
    );
  });

  it.each(on("action").map((s) => [s.name, s] as const))(
    "%s: same default, description names its values",
    (name, spec) => {
      const input = actionYml.inputs[name]!;
      expect(input.default ?? "").toBe(spec.actionYmlDefault ?? spec.default);
      const description = input.description.replace(/\s+/g, " ");
      if (spec.kind === "enum") for (const v of spec.values) expect(description).toContain(`\`${v}\``);
      if (spec.kind === "integer") expect(description).toContain(`${spec.min}–${spec.max}`);
      for (const variable of spec.envFallback ?? []) expect(description).toContain(variable);
    },
  );
});

describe("action.yml's failure-reason output", () => {
  it("documents exactly the failure reasons the action sets", () => {
    const documented = [...actionYml.outputs["failure-reason"]!.description.matchAll(/`([a-z-]+)`/g)].map(
      (m) => m[1],
    );
    expect(documented.sort()).toEqual([...FAILURE_REASONS].sort());
  });
});

describe("the CLI's flags and help and the settings table", () => {
  it.each(on("cli").map((s) => [s.name, s] as const))(
    "--%s is a flag of the right type, documented in --help",
    (name, spec) => {
      expect(FLAGS).toHaveProperty(name);
      expect(FLAGS[name as keyof typeof FLAGS].type).toBe(spec.kind === "boolean" ? "boolean" : "string");
      const line = HELP.split("\n").find((l) => l.trimStart().startsWith(`--${name} `));
      expect(line, `--${name} in HELP`).toBeDefined();
      const documented = /\(default: ([^;,)\s]+)/.exec(line!)?.[1];
      if (documented && spec.default !== "") expect(documented).toBe(spec.default);
    },
  );

  it("documents no setting-like flag the table does not know", () => {
    const commandFlags = [
      "plan-hash",
      "json",
      "markdown",
      "verbose",
      "help",
      "port",
      "state",
      "token",
      "k",
      "docs-dir",
      "dir",
      // command options of init / validate / plan / import / export (not settings)
      "version",
      "force",
      "yes",
      "no-record",
      "job-id",
      "name",
      "tag",
      "all-unmanaged",
      "take-over",
      "bundle",
    ];
    for (const flag of Object.keys(FLAGS)) {
      if (commandFlags.includes(flag)) continue;
      expect(on("cli").map((s) => s.name)).toContain(flag);
    }
  });
});

describe("the same settings through both entries", () => {
  const given: Record<string, string> = {
    "jobs-dir": "./pipelines/jobs/",
    "databricks-host": "https://adb-1.2.azuredatabricks.net/",
    "llm-model": "databricks-claude",
    "llm-base-url": "https://llm.example.net/v1/",
    "allow-delete": "yes",
    "on-plan-change": "APPLY",
    "run-wait-seconds": "45",
  };
  const env = { DATABRICKS_TOKEN: "dapi-from-env" };
  const shared = (s: Partial<Settings>) => ({
    jobsDir: s.jobsDir,
    databricksHost: s.databricksHost,
    databricksToken: s.databricksToken,
    llm: s.llm,
    allowDelete: s.allowDelete,
    onPlanChange: s.onPlanChange,
    runWaitSeconds: s.runWaitSeconds,
  });
  const action = (values: Record<string, string>) =>
    parseInputs({ get: (n) => values[n] ?? "", env, setSecret: () => undefined });

  it("parses to the same values from inputs, flags and JOBAGENT_* variables", () => {
    const fromAction = shared(action(given));
    const fromFlags = shared(readSettings(cliSource(given, env)));
    const fromEnv = shared(
      readSettings(
        cliSource(
          {},
          { ...env, ...Object.fromEntries(Object.entries(given).map(([k, v]) => [cliEnvName(k), v])) },
        ),
      ),
    );
    expect(fromFlags).toEqual(fromAction);
    expect(fromEnv).toEqual(fromAction);
    expect(fromAction).toMatchObject({
      jobsDir: "pipelines/jobs",
      onPlanChange: "apply",
      runWaitSeconds: 45,
    });
  });

  it("takes the same defaults when nothing is given", () => {
    expect(shared(readSettings(cliSource({}, env)))).toEqual(shared(action({})));
  });

  it.each([
    ["allow-delete", "maybe", "use true or false"],
    ["jobs-dir", "../outside", "use a directory inside the repository"],
    ["run-wait-seconds", "4000", "use a whole number from 0 to 3600"],
    ["databricks-host", "adb-123.net", "use the workspace URL"],
  ])("rejects %s=%s in both, naming the input or flag and quoting the value", (name, bad, fix) => {
    expect(() => action({ [name]: bad })).toThrow(ConfigurationError);
    expect(() => action({ [name]: bad })).toThrow(`input "${name}" has the value "${bad}"; ${fix}`);
    expect(() => readSettings(cliSource({ [name]: bad }, {}))).toThrow(
      `--${name} has the value "${bad}"; ${fix}`,
    );
    expect(() => readSettings(cliSource({}, { [cliEnvName(name)]: bad }))).toThrow(
      `${cliEnvName(name)} has the value "${bad}"; ${fix}`,
    );
  });
});
