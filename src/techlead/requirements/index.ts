/**
 * Requirement files: markdown under the jobs directory with optional structured front matter.
 * Format documented in docs/requirements.md.
 */
import { assertNoLink } from "../../state/safe-path.js";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { readTextSync, YIELD_EVERY, yieldToIo } from "../../state/read-text.js";
import type { Diagnostic, Interpretation } from "../../domain/model.js";
import type { RequirementDoc } from "../types.js";
import {
  FrontMatterError,
  MAX_FILE_BYTES,
  docLineOf,
  rememberLineOf,
  splitFrontMatter,
} from "./frontmatter.js";
import { ACTION_KEYS, interpretFrontMatter } from "./structured.js";
import { withPastedJobs } from "./pasted.js";
import { conflictFix, conflictMarkerLine } from "../../state/conflict-markers.js";

export { buildLineOf, docLineOf } from "./frontmatter.js";
export { itemBasePath, validationContextFor } from "./structured.js";

export interface LoadedRequirements {
  docs: RequirementDoc[];
  /** Files that could not be read or parsed (each names the file, the problem and the fix). */
  diagnostics: Diagnostic[];
}

const MAX_FILES = 20000;

/** Characters that make a file name show something else than it is (bidirectional overrides, invisible marks). */
const UNSAFE_NAME = /[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

async function walk(dir: string, out: string[], refused: string[] = []): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue; // .tasks and other dot-dirs / dot-files
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) refused.push(full);
    else if (entry.isDirectory()) await walk(full, out, refused);
    else if (entry.isFile() && entry.name.toLowerCase().endsWith(".md")) out.push(full);
    if (out.length > MAX_FILES) return;
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

/** Every requirement file under `<repoDir>/<jobsDir>` (recursively, skipping dot-dirs such as `.tasks`), sorted by path. */
export async function loadRequirements(repoDir: string, jobsDir: string): Promise<LoadedRequirements> {
  const root = path.resolve(repoDir, jobsDir);
  const rel = path.relative(path.resolve(repoDir), root);
  if (rel.startsWith("..") || path.isAbsolute(rel)) {
    return {
      docs: [],
      diagnostics: [
        {
          severity: "error",
          code: "requirement.jobs-dir",
          path: "",
          value: jobsDir,
          message: `jobs directory '${jobsDir}' is outside the repository`,
          fix: "set jobs-dir to a folder inside the repository (default: jobs)",
        },
      ],
    };
  }
  // A linked jobs directory would make the tool read (and write task files) outside the repository: refuse the run.
  await assertNoLink(path.resolve(repoDir), rel);
  const files: string[] = [];
  const refused: string[] = [];
  await walk(root, files, refused);
  files.sort();
  const docs: RequirementDoc[] = [];
  const diagnostics: Diagnostic[] = refused.map((full) =>
    linkDiagnostic(toPosix(path.relative(path.resolve(repoDir), full))),
  );
  const safe = files.filter((full) => {
    const file = toPosix(path.relative(path.resolve(repoDir), full));
    if (!UNSAFE_NAME.test(file)) return true;
    diagnostics.push(unsafeNameDiagnostic(file));
    return false;
  });
  // In path order, so diagnostics and docs keep their order.
  for (const [index, full] of safe.entries()) {
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await yieldToIo();
    const { file, text, problem } = readRequirement(repoDir, full);
    if (problem) {
      diagnostics.push(problem);
      continue;
    }
    const parsed = parseRequirement(file, text as string);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.doc && !isFolderReadme(parsed.doc)) docs.push(parsed.doc);
  }
  return { docs, diagnostics };
}

/** A README.md (any case): the folder's documentation, as on GitHub. */
const isReadme = (file: string) => /^readme\.md$/i.test(path.posix.basename(file));

/**
 * A README.md in the jobs directory is not a ticket: read as prose it would block every plan with "which code should
 * this job run?". One whose front matter defines jobs is a requirement like any other (the job blocks a README shows
 * as examples are not read as jobs: see parseRequirement).
 */
function isFolderReadme(doc: RequirementDoc): boolean {
  return isReadme(doc.file) && !ACTION_KEYS.some((key) => doc.frontMatter[key] !== undefined);
}

function readRequirement(
  repoDir: string,
  full: string,
): { file: string; text?: string; problem?: Diagnostic } {
  const file = toPosix(path.relative(path.resolve(repoDir), full));
  try {
    const read = readTextSync(full, MAX_FILE_BYTES);
    if ("size" in read) {
      return {
        file,
        problem: {
          severity: "error",
          code: "requirement.too-large",
          file,
          line: 1,
          path: "",
          value: read.size,
          message: `${file} is ${read.size} bytes; requirement files are limited to ${MAX_FILE_BYTES} bytes`,
          fix: "keep requirement files under 1 MiB: split them, and keep data out of requirement files",
        },
      };
    }
    return { file, text: read.text };
  } catch (error) {
    return {
      file,
      problem: {
        severity: "error",
        code: "requirement.unreadable",
        file,
        path: "",
        message: `${file} could not be read: ${(error as Error).message}`,
        fix: "check the file's permissions and that it is a regular UTF-8 text file",
      },
    };
  }
}

function linkDiagnostic(file: string): Diagnostic {
  return {
    severity: "error",
    code: "requirement.symlink",
    file,
    path: "",
    message: `${file} is a symbolic link; jobagent never follows links in the repository (one could point outside it)`,
    fix: "replace the link with the requirement file itself",
  };
}

function unsafeNameDiagnostic(file: string): Diagnostic {
  const shown = JSON.stringify(file)
    .slice(1, -1)
    .replace(
      /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  return {
    severity: "error",
    code: "requirement.unsafe-name",
    file: shown,
    path: "",
    message: `the file name "${shown}" contains invisible or bidirectional control characters, so it does not read as what it is`,
    fix: "rename the file using visible characters only",
  };
}

/** Parses one requirement (front matter with a YAML engine safe against bombs; body; line numbers). */
export function parseRequirement(
  file: string,
  text: string,
): { doc?: RequirementDoc; diagnostics: Diagnostic[] } {
  if (text.includes("\u0000")) {
    return {
      diagnostics: [
        {
          severity: "error",
          code: "requirement.binary",
          file,
          line: 1,
          path: "",
          message: `${file} is not a text file (it contains NUL bytes)`,
          fix: "requirement files are markdown text; remove the binary file from the jobs directory",
        },
      ],
    };
  }
  // A requirement left with merge conflict markers is neither side of the merge: an error of its own (its tasks are
  // kept as they are and not planned), never YAML or prose to read, and never a removed requirement.
  const conflict = conflictMarkerLine(text);
  if (conflict !== undefined) {
    return {
      diagnostics: [
        {
          severity: "error",
          code: "requirement.conflict",
          file,
          line: conflict,
          path: "",
          message: `${file}:${conflict}: merge conflict markers at line ${conflict}: resolve the conflict or take one side with git checkout --ours/--theirs`,
          fix: conflictFix(file, "requirement"),
        },
      ],
    };
  }
  try {
    const split = splitFrontMatter(text);
    const data = split.data;
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      return {
        diagnostics: [
          {
            severity: "error",
            code: "requirement.front-matter-shape",
            file,
            line: 2,
            path: "",
            value: Array.isArray(data) ? "a list" : JSON.stringify(data),
            message: `${file}: the front matter must be a YAML mapping (key: value lines), found ${Array.isArray(data) ? "a list" : typeof data}`,
            fix: "write the front matter as keys, e.g. 'job:' followed by the job's fields indented below it",
          },
        ],
      };
    }
    // A job pasted as Databricks gives it (a JSON/YAML block, a jobs/get answer) is read as a structured job; a
    // README's blocks are examples in its documentation, not its jobs.
    const read = isReadme(file)
      ? { data: data as Record<string, unknown>, body: split.body, lineOf: split.lineOf, diagnostics: [] }
      : withPastedJobs(file, data as Record<string, unknown>, split.body, split.bodyLine, split.lineOf);
    const doc: RequirementDoc = {
      file,
      text: text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n"),
      frontMatter: read.data as RequirementDoc["frontMatter"],
      body: read.body,
      bodyLine: split.bodyLine,
    };
    rememberLineOf(doc, read.lineOf);
    return { doc, diagnostics: read.diagnostics };
  } catch (error) {
    if (error instanceof FrontMatterError) {
      return {
        diagnostics: [
          {
            severity: "error",
            code: error.code,
            file,
            line: error.line,
            path: "",
            message: `${file}${error.line ? `:${error.line}` : ""}: ${error.message}`,
            fix: error.fix,
          },
        ],
      };
    }
    throw error;
  }
}

/** The structured (front matter) part of a requirement as work items; undefined when it has none (prose only). */
export function interpretStructured(doc: RequirementDoc): Interpretation | undefined {
  return interpretFrontMatter(doc, docLineOf(doc));
}
