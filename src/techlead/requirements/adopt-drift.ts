/**
 * Adopting drift into a requirement: the workspace's values of the drifted fields are written into the job's block
 * of the requirement's front matter (`job:`, `jobs.<key>` or `resources.jobs.<key>`), through the `yaml` Document
 * API so that the rest of the file — other fields, comments, key order, the markdown body — stays as it was (as far
 * as the library's re-printing allows). Only the drifted fields change. Prose requirements have no block to edit
 * and are refused with the reason; so is a path the block does not hold in the shape the plan saw (e.g. a value
 * taken from a bundle variable). The caller checks the result by planning it: adoption must plan to zero changes.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from "yaml";
import { KEYED_ARRAYS } from "../../domain/field-rules.js";
import type { JsonObject } from "../../domain/model.js";
import { PRINCIPAL_FIELDS } from "../../domain/vocabulary.js";

/** A drifted field as the adoption needs it: where, and the workspace's value (absent: remove the field). */
export interface AdoptField {
  path: string;
  category: string;
  /** The workspace's value; undefined when the workspace no longer has the field. */
  workspace?: unknown;
}

export type AdoptResult = { ok: true; text: string; block: string } | { ok: false; reason: string };

type Segment = { kind: "field"; name: string } | { kind: "entry"; array: string; key: string };

const FRONT_MATTER = /^(\uFEFF?---[ \t]*(?:ya?ml)?[ \t]*\r?\n)([\s\S]*?\r?\n)?(---[ \t]*(?:\r?\n|$))/;

/** `tasks[ingest].new_cluster.num_workers`, `tags["cost center"]` → segments (the grammar of domain/diff.ts). */
export function parseFieldPath(path: string): Segment[] | undefined {
  const segments: Segment[] = [];
  let i = 0;
  const quoted = (): string | undefined => {
    // a JSON string starting at path[i] (after '[')
    let j = i + 1;
    while (j < path.length && path[j] !== '"') j += path[j] === "\\" ? 2 : 1;
    try {
      const text = JSON.parse(path.slice(i, j + 1)) as string;
      i = j + 1;
      return text;
    } catch {
      return undefined;
    }
  };
  while (i < path.length) {
    if (path[i] === ".") i++;
    if (path[i] === "[") {
      i++;
      let key: string | undefined;
      if (path[i] === '"') key = quoted();
      else {
        const end = path.indexOf("]", i);
        if (end < 0) return undefined;
        key = path.slice(i, end);
        i = end;
      }
      if (key === undefined || path[i] !== "]") return undefined;
      i++;
      const previous = segments.at(-1);
      if (segments.length === 1 && previous?.kind === "field" && KEYED_ARRAYS[previous.name])
        segments[0] = { kind: "entry", array: previous.name, key };
      else segments.push({ kind: "field", name: key });
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(path.slice(i));
    if (!m) return undefined;
    segments.push({ kind: "field", name: m[0] });
    i += m[0].length;
  }
  return segments;
}

/** Where the job's block sits: `job`, `jobs.<key>` or `resources.jobs.<key>`; undefined for prose. */
function blockPath(doc: Document, key: string): string[] | undefined {
  if (isMap(doc.getIn(["jobs", key]))) return ["jobs", key];
  if (isMap(doc.getIn(["resources", "jobs", key]))) return ["resources", "jobs", key];
  if (isMap(doc.get("job"))) return ["job"];
  return undefined;
}

function entryIndex(seq: YAMLSeq, keyField: string, key: string): number {
  return seq.items.findIndex((item) => {
    if (!isMap(item)) return false;
    const value = item.get(keyField, true);
    return isScalar(value) && String(value.value) === key;
  });
}

/** The YAML path (within the document) of a field path under the block, or a reason it has none. */
function yamlPath(doc: Document, block: string[], segments: Segment[]): (string | number)[] | string {
  const [first, ...rest] = segments;
  if (!first) return "empty path";
  if (first.kind === "field") return [...block, first.name, ...rest.map((s) => (s as { name: string }).name)];
  const seq = doc.getIn([...block, first.array]);
  const keyField = KEYED_ARRAYS[first.array] as string;
  if (!isSeq(seq)) return rest.length === 0 ? [...block, first.array, -1] : `no ${first.array} list`;
  const index = entryIndex(seq, keyField, first.key);
  if (index < 0)
    return rest.length === 0 ? [...block, first.array, -1] : `no ${first.array} entry "${first.key}"`;
  return [...block, first.array, index, ...rest.map((s) => (s as { name: string }).name)];
}

function setValue(doc: Document, path: (string | number)[], value: unknown): void {
  if (path.at(-1) === -1) {
    // a whole keyed entry only the workspace has: appended to its list (created when missing)
    const listPath = path.slice(0, -1);
    const seq = doc.getIn(listPath);
    if (isSeq(seq)) seq.add(doc.createNode(value));
    else doc.setIn(listPath, doc.createNode([value]));
    return;
  }
  const node = doc.getIn(path, true);
  // A scalar keeps its node (and so its comment and quoting style) and takes the new value.
  if (isScalar(node) && (value === null || typeof value !== "object")) node.value = value;
  else doc.setIn(path, doc.createNode(value));
}

const principalOf = (entry: YAMLMap): [string, string] | undefined => {
  for (const field of PRINCIPAL_FIELDS) {
    const value = entry.get(field);
    if (typeof value === "string" && value) return [field, value];
  }
  return undefined;
};

/**
 * The requirement's grants become the workspace's direct grants: entries of principals still granted keep their
 * place (their level updated), entries of principals no longer granted go, new grants are appended; IS_OWNER
 * entries stay (the owner is not a grant). The requirement's own form is kept: `access_control_list` entries with
 * `permission_level`, or bundle `permissions` entries with `level`.
 */
function adoptGrants(doc: Document, block: string[], grants: JsonObject[]): string | undefined {
  const bundleForm = doc.hasIn([...block, "permissions"]);
  const listPath = [...block, bundleForm ? "permissions" : "access_control_list"];
  const levelKey = bundleForm ? "level" : "permission_level";
  const seq = doc.getIn(listPath);
  if (!isSeq(seq)) return `${listPath.join(".")} is not a list in the requirement`;
  const wanted = new Map<string, { field: string; level: string }>();
  for (const grant of grants) {
    const field = PRINCIPAL_FIELDS.find((f) => typeof grant[f] === "string");
    if (field)
      wanted.set(`${field}:${String(grant[field])}`, { field, level: String(grant.permission_level) });
  }
  for (let i = seq.items.length - 1; i >= 0; i--) {
    const entry = seq.items[i];
    if (!isMap(entry)) continue;
    const level = entry.get(levelKey);
    if (level === "IS_OWNER") continue;
    const who = principalOf(entry);
    const grant = who && wanted.get(`${who[0]}:${who[1]}`);
    if (!grant) {
      seq.delete(i);
      continue;
    }
    if (level !== grant.level) entry.set(levelKey, grant.level);
    wanted.delete(`${who[0]}:${who[1]}`);
  }
  for (const [key, grant] of wanted) {
    const name = key.slice(grant.field.length + 1);
    seq.add(doc.createNode({ [grant.field]: name, [levelKey]: grant.level }));
  }
  return undefined;
}

/**
 * The requirement text with the workspace's values of `fields` written into the block of job `key`. `grants` are the
 * workspace's direct grants, needed when permissions drifted.
 */
export function adoptDrift(
  text: string,
  key: string,
  fields: AdoptField[],
  grants: JsonObject[] | undefined,
): AdoptResult {
  const match = FRONT_MATTER.exec(text);
  if (!match)
    return {
      ok: false,
      reason:
        "the requirement is prose (no front matter): its settings are interpreted from the text and cannot be edited in place",
    };
  const [whole, open, source = "", close] = match;
  const doc = parseDocument(source, { keepSourceTokens: false });
  if (doc.errors.length > 0)
    return { ok: false, reason: `its front matter does not parse: ${doc.errors[0]?.message}` };
  const block = blockPath(doc, key);
  if (!block)
    return {
      ok: false,
      reason:
        "the requirement is prose (its front matter has no job: / jobs: block): its settings are interpreted from the text and cannot be edited in place",
    };
  for (const field of fields) {
    if (field.category === "permissions" && field.path === "access_control_list") {
      if (!grants) return { ok: false, reason: "the workspace's grants of the job are not known" };
      const problem = adoptGrants(doc, block, grants);
      if (problem) return { ok: false, reason: problem };
      continue;
    }
    const segments = parseFieldPath(field.path);
    if (!segments) return { ok: false, reason: `the field path ${field.path} cannot be read` };
    const path = yamlPath(doc, block, segments);
    if (typeof path === "string")
      return { ok: false, reason: `${field.path}: ${path} in ${block.join(".")}` };
    if (field.workspace === undefined) {
      if (path.at(-1) !== -1) doc.deleteIn(path);
    } else setValue(doc, path, field.workspace);
  }
  let yaml = doc.toString({ lineWidth: 0 });
  const eol = open.endsWith("\r\n") ? "\r\n" : "\n";
  if (eol === "\r\n") yaml = yaml.replace(/\r?\n/g, "\r\n");
  return { ok: true, text: open + yaml + close + text.slice(whole.length), block: block.join(".") };
}
