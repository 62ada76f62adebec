// jobagent.yml `review:` (src/state/review-config.ts) through the real config parser: valid blocks are kept,
// unknown keys / rule ids / time zones are refused with file, line, field and a did-you-mean fix.
import { describe, expect, it } from "vitest";
import { parseProjectConfig, ProjectConfigError } from "../../src/state/project-config.js";

function refusal(text: string): ProjectConfigError {
  try {
    parseProjectConfig(text);
  } catch (error) {
    if (error instanceof ProjectConfigError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("review config", () => {
  it("keeps a valid review block", () => {
    const config = parseProjectConfig(
      "project: acme/x\nreview:\n  timezone: Europe/Berlin\n  blocking: [all-purpose-compute]\n  ignore: [no-timeout]\n  same_minute_limit: 3\n",
    );
    expect(config.review).toEqual({
      timezone: "Europe/Berlin",
      blocking: ["all-purpose-compute"],
      ignore: ["no-timeout"],
      same_minute_limit: 3,
    });
  });

  it("refuses an unknown rule id with its line and the nearest rule", () => {
    const e = refusal("project: acme/x\nreview:\n  blocking:\n    - all-purpose-compute\n    - no-retry\n");
    expect(e.message).toBe(
      'jobagent.yml:5: review.blocking[1]: unknown review rule "no-retry" — Did you mean `no-retries`?',
    );
  });

  it("refuses an unknown key, a bad time zone and a bad limit", () => {
    expect(refusal("review:\n  blockin: []\n").message).toBe(
      "jobagent.yml:2: review.blockin: unknown key — Did you mean `blocking`?",
    );
    expect(refusal("review:\n  timezone: Europe/Berln\n").message).toMatch(
      /^jobagent\.yml:2: review\.timezone: "Europe\/Berln" is not a Java time zone id — Did you mean `Europe\/Berlin`\?$/,
    );
    expect(refusal("review:\n  same_minute_limit: 1\n").message).toContain(
      "review.same_minute_limit: must be a whole number of at least 2",
    );
  });
});
