import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("build", () => {
  it("produced the action and CLI bundles", () => {
    expect(existsSync("dist/index.js")).toBe(true);
    expect(existsSync("dist/cli.js")).toBe(true);
  });
});
