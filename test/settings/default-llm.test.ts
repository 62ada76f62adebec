// The default LLM rule (docs/llm.md): a real Databricks host and no LLM setting → the workspace's Foundation Model
// endpoint; a loopback host (local workspace, demo, tests) or `llm-model: off` → no LLM; explicit settings win.
import { describe, expect, it } from "vitest";
import { isLoopbackHost, readSettings } from "../../src/settings/read.js";
import { DEFAULT_LLM_MODEL } from "../../src/settings/spec.js";
import type { SettingsSource } from "../../src/settings/source.js";

function cli(flags: Record<string, string>, env: Record<string, string> = {}): SettingsSource {
  return {
    surface: "cli",
    env,
    get: (name) => (flags[name] ? { value: flags[name]!, label: `--${name}` } : undefined),
    labelOf: (name) => `--${name}`,
  };
}

describe("default LLM", () => {
  it("is the workspace's Foundation Model endpoint for a real host with no LLM setting", () => {
    const s = readSettings(
      cli({}, { DATABRICKS_HOST: "https://adb-1234567890123456.7.azuredatabricks.net" }),
    );
    expect(s.llm).toEqual({ model: DEFAULT_LLM_MODEL, isDefault: true });
    expect(DEFAULT_LLM_MODEL).toBe("databricks-claude-sonnet-4-5");
  });

  it("is not used without a host, for a loopback host, or with llm-model off", () => {
    expect(readSettings(cli({})).llm).toBeUndefined();
    for (const host of [
      "http://127.0.0.1:8123",
      "http://localhost:9000",
      "http://[::1]:80",
      "http://ws.localhost",
    ])
      expect(readSettings(cli({ "databricks-host": host })).llm, host).toBeUndefined();
    for (const off of ["off", "none", "OFF"])
      expect(
        readSettings(cli({ "databricks-host": "https://dbc-1.cloud.databricks.com", "llm-model": off })).llm,
      ).toBeUndefined();
  });

  it("yields to explicit settings", () => {
    const s = readSettings(
      cli({ "databricks-host": "https://dbc-1.cloud.databricks.com", "llm-model": "databricks-gpt-5-mini" }),
    );
    expect(s.llm).toEqual({ model: "databricks-gpt-5-mini", baseUrl: undefined, apiKey: undefined });
    expect(isLoopbackHost("https://dbc-1.cloud.databricks.com")).toBe(false);
    expect(isLoopbackHost("http://127.0.0.2:1")).toBe(true);
  });
});
