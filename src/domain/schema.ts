/**
 * Field paths and names of job settings (job-settings validation is ./schema-check.ts).
 *
 * The field-path notation every diagnostic uses: `tasks[ingest].new_cluster.num_workers`
 * (array entries named by task_key / job_cluster_key / environment_key / parameter name when known, else
 * by index; map keys that are not identifiers quoted: `spark_conf["spark.sql.shuffle.partitions"]`).
 */
import { closest, distance } from "fastest-levenshtein";

// ---------------------------------------------------------------------------------------------------------------
// Field paths
// ---------------------------------------------------------------------------------------------------------------

/** One step of a field path: an object key, or an array entry named by its key field or index. */
export type PathSegment = { key: string } | { item: string };

const ENTRY_LABELS = ["task_key", "job_cluster_key", "environment_key", "name"];

/** The label an array entry is addressed by in paths (task_key, job_cluster_key, environment_key, name). */
export function entryLabel(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return undefined;
  for (const field of ENTRY_LABELS) {
    const value = (entry as Record<string, unknown>)[field];
    if (typeof value === "string" && value !== "" && !/[[\]"]/.test(value)) return value;
  }
  return undefined;
}

/** Renders segments in our notation; `root` (the data) lets array indices become keys (`tasks[ingest]`). */
export function formatPath(segments: Array<string | number>, root?: unknown): string {
  let out = "";
  let node: unknown = root;
  for (const seg of segments) {
    if (typeof seg === "number") {
      const entry = Array.isArray(node) ? node[seg] : undefined;
      out += `[${entryLabel(entry) ?? seg}]`;
      node = entry;
    } else {
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)
        ? out === ""
          ? seg
          : `.${seg}`
        : `[${JSON.stringify(seg)}]`;
      node =
        node !== null && typeof node === "object" && !Array.isArray(node)
          ? (node as Record<string, unknown>)[seg]
          : undefined;
    }
  }
  return out;
}

/** Joins a prefix (e.g. "jobs.orders") and a relative path ("tasks[a].x" or "[0]"). */
export function joinPath(prefix: string | undefined, path: string): string {
  if (!prefix) return path;
  if (path === "") return prefix;
  return path.startsWith("[") ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** Parses a path written by formatPath back into segments. */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    const ch = path[i];
    if (ch === ".") {
      i++;
      continue;
    }
    if (ch === "[") {
      if (path[i + 1] === '"') {
        // JSON-quoted key
        let j = i + 2;
        while (j < path.length && !(path[j] === '"' && path[j - 1] !== "\\")) j++;
        out.push({ key: JSON.parse(path.slice(i + 1, j + 1)) as string });
        i = path.indexOf("]", j) + 1 || path.length;
      } else {
        const end = path.indexOf("]", i);
        const stop = end === -1 ? path.length : end;
        out.push({ item: path.slice(i + 1, stop) });
        i = stop + 1;
      }
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
    out.push({ key: path.slice(i, j) });
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------------------

/** Suggests the closest known name (did-you-mean), when close enough to be a typo. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(input, candidates);
  const d = distance(input.toLowerCase(), best.toLowerCase());
  if (d <= Math.max(2, Math.floor(best.length / 3))) return best;
  // Word-level match: "retries" vs "max_retries", "cluster" vs "new_cluster".
  const part = candidates.find((c) => c.split("_").includes(input.toLowerCase()));
  return part;
}
