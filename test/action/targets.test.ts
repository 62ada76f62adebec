// Per-target credentials and the per-target plan comment (pure parts of the action's targets support).
import { describe, expect, it } from "vitest";
import { parseMarker } from "../../src/adapters/github/sticky.js";
import type { PlanResult } from "../../src/engine/api.js";
import { buildTargetsPlanComment, combinedPlanHash } from "../../src/action/targets-comment.js";
import { targetCredentials } from "../../src/action/targets.js";
import { ActionError } from "../../src/action/errors.js";

const DEV = "https://dev.example.cloud.databricks.com";
const PROD = "https://prod.example.cloud.databricks.com";

describe("target credentials", () => {
  it("takes DATABRICKS_HOST_<T> / DATABRICKS_TOKEN_<T> first, then host: from jobagent.yml, then the inputs", () => {
    const inputs = { databricksHost: DEV, databricksToken: "dev-token" };
    expect(
      targetCredentials({ name: "prod-eu" }, inputs, {
        DATABRICKS_HOST_PROD_EU: PROD,
        DATABRICKS_TOKEN_PROD_EU: "p",
      }),
    ).toEqual({ host: PROD, token: "p" });
    expect(targetCredentials({ name: "dev", host: DEV }, inputs, {})).toEqual({
      host: DEV,
      token: "dev-token",
    });
    expect(targetCredentials({ name: "any" }, inputs, {})).toEqual({ host: DEV, token: "dev-token" });
    expect(targetCredentials({ name: "x" }, {}, {})).toBeUndefined();
  });

  it("never sends the input token to another target's workspace", () => {
    const inputs = { databricksHost: DEV, databricksToken: "dev-token" };
    // prod is bound to its own host: no token for it (OIDC federation at prod's host, if offered)
    expect(targetCredentials({ name: "prod", host: PROD }, inputs, {})).toEqual({ host: PROD });
  });

  it("acts on auth: oidc (no token) and auth: token (a token is required)", () => {
    const inputs = { databricksHost: PROD, databricksToken: "t" };
    expect(targetCredentials({ name: "prod", auth: "oidc" }, inputs, {})).toEqual({ host: PROD });
    expect(() => targetCredentials({ name: "prod", host: PROD, auth: "token" }, {}, {})).toThrow(
      /target "prod" uses `auth: token` but has no token: set DATABRICKS_TOKEN_PROD/,
    );
  });

  it("refuses a DATABRICKS_HOST_<T> that contradicts the target's host: in jobagent.yml", () => {
    const run = () => targetCredentials({ name: "prod", host: PROD }, {}, { DATABRICKS_HOST_PROD: DEV });
    expect(run).toThrow(ActionError);
    expect(run).toThrow(
      /bound to https:\/\/prod\.example\.cloud\.databricks\.com in jobagent\.yml, but DATABRICKS_HOST_PROD is/,
    );
  });
});

function plan(hash: string, create: number, valid = true): PlanResult {
  return {
    valid,
    diagnostics: [],
    changes: [],
    blocked: [],
    counts: { create, update: 0, delete: 0, run: 0, noop: create ? 0 : 1, blocked: 0 },
    planHash: hash,
    markdown: `plan ${hash}`,
  };
}

describe("the plan comment with targets", () => {
  it("carries each target's plan hash, opens changed targets and collapses unchanged ones", () => {
    const { body } = buildTargetsPlanComment({
      sections: [
        { name: "dev", plan: plan("aaaa1111", 1) },
        { name: "prod", environment: "production", plan: plan("bbbb2222", 0) },
      ],
      jobsDir: "jobs",
      headSha: "0123456789abcdef",
    });
    const marker = parseMarker(body)!;
    expect(marker.targets).toEqual({ dev: "aaaa1111", prod: "bbbb2222" });
    expect(marker.planHash).toBe(
      combinedPlanHash([
        { name: "dev", plan: plan("aaaa1111", 1) },
        { name: "prod", plan: plan("bbbb2222", 0) },
      ]),
    );
    expect(body).toContain("<details open><summary><b>dev</b> — 1 to create · plan <code>aaaa1111</code>");
    expect(body).toContain("<details><summary><b>prod</b> — no changes · plan <code>bbbb2222</code>");
    expect(body).toContain("| 2. `prod` | environment `production` |");
  });

  it("leaves an invalid or unplanned target out of the approvable hashes", () => {
    const { body } = buildTargetsPlanComment({
      sections: [
        { name: "dev", plan: plan("aaaa1111", 1) },
        { name: "stg", plan: plan("cccc3333", 1, false) },
        { name: "prod", skipped: "Not planned: no credentials." },
      ],
      jobsDir: "jobs",
      headSha: "0123456789abcdef",
      maxChars: 5000,
    });
    const marker = parseMarker(body)!;
    expect(marker.targets).toEqual({ dev: "aaaa1111" });
    expect(marker.planHash).toBeUndefined();
    expect(body).toContain("<b>stg</b> — ❌ validation failed");
    expect(body).toContain("<b>prod</b> — not planned");
    expect(body.length).toBeLessThanOrEqual(5000);
  });
});
