import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { it } from "vitest";
import { checkJobSchema } from "../src/domain/schema.js";
it("count", () => {
  const dir = path.resolve(process.cwd(), "../shared/corpus/real-jobs");
  let ok = 0, cleanOk = 0, clean = 0; const out: string[] = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const j = JSON.parse(readFileSync(path.join(dir, f), "utf8"));
    const issues = checkJobSchema(j.settings);
    if (j.suspect.length === 0) { clean++; if (issues.length === 0) cleanOk++; }
    if (issues.length === 0) ok++;
    else out.push(`${f} ${issues.map((i) => i.code + "@" + i.path).join(", ")}`);
  }
  console.log(`schema-clean ${ok}/112; clean-files ${cleanOk}/${clean}\n` + out.join("\n"));
});
