/**
 * The `review:` block of `jobagent.yml`: how the plan's review hints (src/domain/review-rules.ts) apply here.
 *
 * ```yaml
 * review:
 *   timezone: Europe/Berlin        # the team's default schedule time zone (rule schedule-timezone)
 *   blocking: [all-purpose-compute] # these hints are errors: the plan fails validation
 *   ignore: [no-timeout]           # these rules are not evaluated
 *   same_minute_limit: 5           # jobs at one minute before schedule-same-minute fires (default 5)
 * ```
 */
import { didYouMean } from "../domain/schema.js";
import { REVIEW_RULE_IDS } from "../domain/review-rules.js";
import { isValidTimezoneId, suggestTimezone } from "../domain/rules.js";
import type { ConfigPlace } from "./targets-config.js";

export interface ReviewConfig {
  timezone?: string;
  blocking?: string[];
  ignore?: string[];
  same_minute_limit?: number;
}

const KEYS = ["timezone", "blocking", "ignore", "same_minute_limit"];
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function ruleList(raw: unknown, key: "blocking" | "ignore", place: ConfigPlace): string[] {
  const at = (...path: (string | number)[]) => place.lineOf(["review", key, ...path]);
  if (!Array.isArray(raw))
    place.fail(at(), `review.${key}`, "must be a list of rule ids", `Write e.g. \`${key}: [no-retries]\`.`);
  return raw.map((id, i) => {
    if (typeof id === "string" && REVIEW_RULE_IDS.includes(id)) return id;
    const near = typeof id === "string" ? didYouMean(id, [...REVIEW_RULE_IDS]) : undefined;
    return place.fail(
      at(i),
      `review.${key}[${i}]`,
      `unknown review rule ${JSON.stringify(id)}`,
      near ? `Did you mean \`${near}\`?` : `Use one of: ${REVIEW_RULE_IDS.join(", ")}.`,
    );
  });
}

/** Validates the `review:` block. */
export function parseReview(raw: unknown, place: ConfigPlace): ReviewConfig {
  if (!isObject(raw))
    place.fail(
      place.lineOf(["review"]),
      "review",
      "must be a mapping",
      "Write e.g. `review: { blocking: [no-retries] }`.",
    );
  const out: ReviewConfig = {};
  for (const key of Object.keys(raw)) {
    if (KEYS.includes(key)) continue;
    const near = didYouMean(key, KEYS);
    place.fail(
      place.lineOf(["review", key]),
      `review.${key}`,
      "unknown key",
      near ? `Did you mean \`${near}\`?` : `Use one of: ${KEYS.join(", ")}.`,
    );
  }
  if (raw.timezone !== undefined) {
    const tz = raw.timezone;
    if (typeof tz !== "string" || !isValidTimezoneId(tz)) {
      const near = typeof tz === "string" ? suggestTimezone(tz) : undefined;
      place.fail(
        place.lineOf(["review", "timezone"]),
        "review.timezone",
        `${JSON.stringify(tz)} is not a Java time zone id`,
        near ? `Did you mean \`${near}\`?` : "Use an id such as `UTC` or `Europe/Berlin`.",
      );
    }
    out.timezone = tz;
  }
  if (raw.blocking !== undefined) out.blocking = ruleList(raw.blocking, "blocking", place);
  if (raw.ignore !== undefined) out.ignore = ruleList(raw.ignore, "ignore", place);
  if (raw.same_minute_limit !== undefined) {
    const n = raw.same_minute_limit;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 2)
      place.fail(
        place.lineOf(["review", "same_minute_limit"]),
        "review.same_minute_limit",
        `must be a whole number of at least 2; found ${JSON.stringify(n)}`,
        "Write e.g. `same_minute_limit: 5`.",
      );
    out.same_minute_limit = n;
  }
  return out;
}
