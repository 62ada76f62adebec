import { describe, expect, it } from "vitest";
import { parseProjectConfig } from "../../src/state/project-config.js";
import { selectTarget, targetProjectId } from "../../src/state/targets-config.js";

const good = `project: acme/data-jobs
targets:
  dev:
    mode: development
    host: https://dev.cloud.databricks.com/
  staging:
    prefix: "stg-"
    default: true
  prod:
    environment: production
    auth: oidc
`;

describe("targets in jobagent.yml", () => {
  it("reads targets in promotion order with their settings", () => {
    const config = parseProjectConfig(good);
    expect(config.targets!.map((t) => t.name)).toEqual(["dev", "staging", "prod"]);
    expect(config.targets![0]).toMatchObject({
      mode: "development",
      host: "https://dev.cloud.databricks.com",
    });
    expect(config.targets![2]).toMatchObject({ environment: "production", auth: "oidc" });
  });

  it("selects the named target, else the default one; ids are per target", () => {
    const { targets } = parseProjectConfig(good);
    expect(selectTarget(targets, undefined)!.name).toBe("staging");
    expect(selectTarget(targets, "prod")!.name).toBe("prod");
    expect(() => selectTarget(targets, "dve")).toThrow(/did you mean "dev"/);
    expect(selectTarget(undefined, undefined)).toBeUndefined();
    expect(() => selectTarget(undefined, "dev")).toThrow(/has no `targets:`/);
    expect(targetProjectId("acme/data-jobs", selectTarget(targets, "prod"))).toBe("acme/data-jobs@prod");
  });

  it("names the file, line, field and fix of a bad target", () => {
    expect(() => parseProjectConfig("targets:\n  dev:\n    mode: develop\n")).toThrow(
      /jobagent\.yml:3: targets\.dev\.mode: unknown mode "develop" — Use one of: development, production/,
    );
    expect(() => parseProjectConfig("targets:\n  dev:\n    hots: https://x\n")).toThrow(
      /jobagent\.yml:3: targets\.dev\.hots: unknown key — Did you mean `host`\?/,
    );
    expect(() => parseProjectConfig("targets:\n  dev:\n    host: dev.example.com\n")).toThrow(
      /targets\.dev\.host: must be a workspace URL/,
    );
    expect(() => parseProjectConfig("targets:\n  a: {default: true}\n  b: {default: true}\n")).toThrow(
      /more than one target is the default/,
    );
  });
});
