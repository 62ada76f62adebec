import { describe, expect, it } from "vitest";
import { parseInputs, type InputSource } from "../../src/action/inputs.js";
import { ConfigurationError } from "../../src/action/errors.js";

function source(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const secrets: string[] = [];
  const src: InputSource = { get: (name) => inputs[name] ?? "", env, setSecret: (v) => secrets.push(v) };
  return { src, secrets };
}

describe("parseInputs", () => {
  it("applies the documented defaults", () => {
    const { src } = source({});
    const inputs = parseInputs(src);
    expect(inputs).toMatchObject({
      mode: "auto",
      jobsDir: "jobs",
      allowDelete: false,
      commitProgress: true,
      onPlanChange: "fail",
      comment: "sticky",
      failOnDrift: false,
      runWaitSeconds: 300,
      botLogins: ["github-actions[bot]"],
    });
    expect(inputs.databricksHost).toBeUndefined();
    expect(inputs.llm).toBeUndefined();
  });

  it("falls back to DATABRICKS_HOST / DATABRICKS_TOKEN and registers every secret before returning", () => {
    const { src, secrets } = source(
      {
        "github-token": "ghs_example_github_token",
        "llm-model": "databricks-claude",
        "llm-api-key": "llm-key-123",
      },
      { DATABRICKS_HOST: "https://adb-1.2.azuredatabricks.net/", DATABRICKS_TOKEN: "dapi-env-token" },
    );
    const inputs = parseInputs(src);
    expect(inputs.databricksHost).toBe("https://adb-1.2.azuredatabricks.net");
    expect(inputs.databricksToken).toBe("dapi-env-token");
    expect(inputs.llm).toEqual({ model: "databricks-claude", baseUrl: undefined, apiKey: "llm-key-123" });
    expect(secrets.sort()).toEqual(["dapi-env-token", "ghs_example_github_token", "llm-key-123"]);
  });

  it("registers secrets even when a later input is invalid", () => {
    const { src, secrets } = source({ "databricks-token": "dapi-secret-value", mode: "deploy" });
    expect(() => parseInputs(src)).toThrow(ConfigurationError);
    expect(secrets).toContain("dapi-secret-value");
  });

  it.each([
    [
      "mode",
      "deploy",
      /input "mode" has the value "deploy"; use one of: auto, tech-lead, plan, apply, drift/,
    ],
    ["allow-delete", "maybe", /input "allow-delete" has the value "maybe"; use true or false/],
    ["on-plan-change", "ignore", /input "on-plan-change" has the value "ignore"; use one of: fail, apply/],
    ["comment", "new", /input "comment" has the value "new"; use one of: sticky, off/],
    [
      "jobs-dir",
      "../outside",
      /input "jobs-dir" has the value "..\/outside"; use a directory inside the repository/,
    ],
    [
      "databricks-host",
      "adb-123.net",
      /input "databricks-host" has the value "adb-123.net"; use the workspace URL/,
    ],
    [
      "run-wait-seconds",
      "forever",
      /input "run-wait-seconds" has the value "forever"; use a whole number from 0 to 3600/,
    ],
    ["bot-login", "my-app[bot], login!", /input "bot-login" has the value "login!"; use a GitHub login/],
  ])("rejects %s=%s naming the input and quoting the value", (name, value, message) => {
    const { src } = source({ [name]: value });
    expect(() => parseInputs(src)).toThrow(message);
  });

  it("refuses credentials embedded in the host URL without echoing them", () => {
    const { src } = source({ "databricks-host": "https://user:dapi-inline@adb.example.net" });
    let message = "";
    try {
      parseInputs(src);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/databricks-host" contains credentials/);
    expect(message).not.toContain("dapi-inline");
  });

  it("accepts booleans in the usual spellings, trims the jobs dir and adds extra bot logins", () => {
    const { src } = source({
      "allow-delete": "True",
      "commit-progress": "false",
      "jobs-dir": "./pipelines/jobs/",
      "bot-login": "my-app[bot], other-app[bot]",
      mode: "Apply",
    });
    const inputs = parseInputs(src);
    expect(inputs.allowDelete).toBe(true);
    expect(inputs.commitProgress).toBe(false);
    expect(inputs.jobsDir).toBe("pipelines/jobs");
    expect(inputs.mode).toBe("apply");
    expect(inputs.botLogins).toEqual(["github-actions[bot]", "my-app[bot]", "other-app[bot]"]);
  });

  it("asks for llm-model when only other LLM inputs are set", () => {
    const { src } = source({ "llm-base-url": "https://example.net/serving-endpoints" });
    expect(() => parseInputs(src)).toThrow(/input "llm-model" is empty although input "llm-base-url" is set/);
  });
});
