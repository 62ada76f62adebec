// One diagnostic, one readable line: the file, line and path once (a message that starts with them is not shown
// with them twice), the value once (not again as "(found …)" when the message quotes it), then the fix.
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/cli/text.js";
import { messageOf } from "../../src/domain/render.js";
import {
  parseRequirement,
  interpretStructured,
  validationContextFor,
} from "../../src/techlead/requirements/index.js";
import { validateWorkItem } from "../../src/worker/validate/index.js";

describe("a diagnostic as one line", () => {
  it("says file:line, the path and the value once", () => {
    const text =
      "---\njob:\n  name: x\n  email_notifications:\n    on_failure: ops@example.com\n  tasks:\n    - task_key: a\n      notebook_task: {notebook_path: /Shared/a}\n---\n";
    const { doc } = parseRequirement("jobs/x.md", text);
    const item = interpretStructured(doc!)!.items[0]!;
    const found = validateWorkItem(item, validationContextFor(doc!, item.key)).find(
      (d) => d.code === "schema.type",
    )!;
    const line = formatDiagnostic(found);
    expect(line).toBe(
      'jobs/x.md:5 job.email_notifications.on_failure: email_notifications.on_failure must be an array, found string "ops@example.com" — fix: write it as a list: [ops@example.com]',
    );
  });

  it("keeps a value the message does not quote, and a message that does not repeat its place", () => {
    const d = {
      file: "jobs/y.md",
      line: 3,
      path: "job.max_retries",
      message: "max_retries must be -1 (unlimited) or a number ≥ 0",
      value: -5,
      fix: "Use max_retries: 3",
    };
    expect(formatDiagnostic(d)).toBe(
      "jobs/y.md:3 job.max_retries: max_retries must be -1 (unlimited) or a number ≥ 0 (found -5) — fix: Use max_retries: 3",
    );
    expect(messageOf({ ...d, message: "jobs/y.md:3: job.max_retries: too many" }).text).toBe("too many");
    // a path the message quotes in its own way is not repeated either
    const path = { ...d, message: "notebook '/Shared/etl/x' does not exist", value: "/Shared/etl/x" };
    expect(formatDiagnostic(path)).not.toContain("(found");
    expect(messageOf({ ...d, message: "jobs/y.md: max_retries: too many" }).text).toBe("too many");
  });
});
