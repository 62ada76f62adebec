/**
 * Turning documents into retrievable chunks: SDK types, markdown (by heading path), HTML and plain text.
 * Pure: strings in, chunks out.
 */
import { parse as parseYaml } from "yaml";
import { qualifiedName, type SdkType } from "./sdk-types.js";

export interface DocChunk {
  /** Unique in the index, e.g. "sdk:jobs.CronSchedule" or "knowledge:quartz-cron.md#3". */
  id: string;
  /** Where it comes from: "sdk:jobs.CronSchedule", "knowledge:quartz-cron.md", "docs:<relative file>". */
  source: string;
  /** Heading path inside the source ("Quartz cron and time zones › Examples") or the SDK type name. */
  heading: string;
  text: string;
  /** Extra indexed words: field names and spec paths (SDK), declared field paths (knowledge notes). */
  keywords: string;
  /** SDK types that appear nowhere under JobSettings (ranked a little lower). */
  offSpec?: boolean;
}

/** How SDK types are cut into chunks (chosen by measuring retrieval quality, see docs/knowledge/README.md). */
export type SdkChunking = "type" | "field" | "group";

export interface ChunkingOptions {
  sdk: SdkChunking;
  /** Fields per chunk for the "group" strategy. */
  groupSize: number;
  /** Longer markdown sections are split at paragraph boundaries. */
  maxChars: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { sdk: "type", groupSize: 12, maxChars: 1800 };

const ROOT_TYPE = "jobs.JobSettings";

/**
 * Where each SDK type appears in a job spec, e.g. "compute.ClusterSpec" → ["job_clusters[].new_cluster",
 * "tasks[].new_cluster"]. Breadth-first from JobSettings, so the shortest paths come first (at most 3 per type).
 */
export function specPaths(types: SdkType[]): Map<string, string[]> {
  const byName = new Map(types.map((type) => [qualifiedName(type), type]));
  const paths = new Map<string, string[]>([[ROOT_TYPE, [""]]]);
  const queue: Array<{ type: string; path: string; depth: number }> = [
    { type: ROOT_TYPE, path: "", depth: 0 },
  ];
  while (queue.length) {
    const { type, path, depth } = queue.shift()!;
    const declared = byName.get(type);
    if (!declared || depth >= 6) continue;
    for (const field of declared.fields) {
      const isArray = /^Array</.test(field.type);
      const fieldPath = `${path ? path + "." : ""}${field.name}${isArray ? "[]" : ""}`;
      for (const ref of field.refs) {
        const target = byName.get(ref);
        if (!target) continue;
        const known = paths.get(ref);
        if (known && known.length >= 3) continue;
        if (known) known.push(fieldPath);
        else paths.set(ref, [fieldPath]);
        if (!known && target.kind === "interface")
          queue.push({ type: ref, path: fieldPath, depth: depth + 1 });
      }
    }
  }
  return paths;
}

/** One chunk per type ("type"), per field ("field"), or per group of fields ("group"). */
export function sdkChunks(types: SdkType[], options: ChunkingOptions = DEFAULT_CHUNKING): DocChunk[] {
  const paths = specPaths(types);
  const chunks: DocChunk[] = [];
  for (const type of types) {
    const qualified = qualifiedName(type);
    const source = `sdk:${qualified}`;
    const usedAt = (paths.get(qualified) ?? []).filter((path) => path !== "");
    const usedLine = usedAt.length ? `Used in a job spec at: ${usedAt.join("; ")}.` : "";
    const typeKeywords = [type.name, ...usedAt.map(pathWords)].join(" ");
    const offSpec = qualified !== ROOT_TYPE && !paths.has(qualified) ? { offSpec: true } : {};

    if (type.kind === "enum") {
      const values = type.values.map(
        (value) => `- ${value.value}${value.description ? `: ${value.description}` : ""}`,
      );
      chunks.push({
        id: source,
        source,
        heading: type.name,
        text: [
          `${qualified}: one of ${type.values.map((value) => value.value).join(", ")}.`,
          type.description,
          ...values,
        ]
          .filter(Boolean)
          .join("\n"),
        keywords: `${typeKeywords} ${type.values.map((value) => value.value).join(" ")}`,
        ...offSpec,
      });
      continue;
    }

    const fieldLine = (field: SdkType["fields"][number]): string =>
      `- ${field.name} (${field.type}${field.required ? ", required" : ""})${field.description ? `: ${field.description}` : ""}${field.limits ? ` Limits: ${field.limits}.` : ""}`;

    if (options.sdk === "field" && type.fields.length > 0) {
      for (const field of type.fields) {
        const at = usedAt.map((path) => `${path}.${field.name}`);
        chunks.push({
          id: `${source}.${field.name}`,
          source,
          heading: `${type.name}.${field.name}`,
          text: [
            `${qualified}.${field.name} (${field.type}${field.required ? ", required" : ""})`,
            field.description,
            field.limits ? `Limits: ${field.limits}.` : "",
            at.length ? `Spec path: ${at.join("; ")}.` : "",
            type.description ? `Part of ${type.name}: ${firstSentence(type.description)}` : "",
          ]
            .filter(Boolean)
            .join("\n"),
          keywords: `${type.name} ${field.name} ${at.map(pathWords).join(" ")}`,
          ...offSpec,
        });
      }
      continue;
    }

    const groups =
      options.sdk === "group" && type.fields.length > options.groupSize
        ? chunkArray(type.fields, options.groupSize)
        : [type.fields];
    groups.forEach((fields, index) => {
      const part = groups.length > 1 ? ` (${fields[0].name} … ${fields[fields.length - 1].name})` : "";
      chunks.push({
        id: groups.length > 1 ? `${source}#${index + 1}` : source,
        source,
        heading: `${type.name}${part}`,
        text: [qualified + part, type.description, usedLine, ...fields.map(fieldLine)]
          .filter(Boolean)
          .join("\n"),
        keywords: `${typeKeywords} ${fields.map((field) => field.name).join(" ")}`,
        ...offSpec,
      });
    });
  }
  return chunks;
}

/** Front matter of a knowledge note: `title`, and `fields` (spec field paths the note explains). */
export interface NoteMeta {
  title?: string;
  fields: string[];
  /** The public Databricks documentation page the note summarises (front matter `docs:`). */
  docs?: string;
}

/** Splits optional YAML front matter from a markdown document. */
export function splitFrontMatter(markdown: string): { meta: NoteMeta; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(markdown);
  if (!match) return { meta: { fields: [] }, body: markdown };
  let data: unknown;
  try {
    data = parseYaml(match[1], { maxAliasCount: 10 });
  } catch {
    data = undefined;
  }
  const record = data && typeof data === "object" ? (data as Record<string, unknown>) : {};
  const fields = Array.isArray(record.fields)
    ? record.fields.filter((field): field is string => typeof field === "string")
    : [];
  return {
    meta: {
      title: typeof record.title === "string" ? record.title : undefined,
      fields,
      ...(typeof record.docs === "string" && /^https:\/\//.test(record.docs) ? { docs: record.docs } : {}),
    },
    body: markdown.slice(match[0].length),
  };
}

/**
 * Chunks markdown by section: every heading starts a chunk whose heading is the path of headings above it
 * ("Title › Section › Subsection"). Headings inside fenced code are ignored; long sections are split at
 * paragraph boundaries; empty sections are dropped.
 */
export function markdownChunks(
  source: string,
  markdown: string,
  options: { maxChars?: number; title?: string; keywords?: string } = {},
): DocChunk[] {
  const maxChars = options.maxChars ?? DEFAULT_CHUNKING.maxChars;
  const sections: Array<{ heading: string; level: number; lines: string[] }> = [];
  const stack: Array<{ level: number; text: string }> = [];
  let current = { heading: options.title ?? "", level: 0, lines: [] as string[] };
  let fence: string | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const fenceMatch = /^\s*(```|~~~)/.exec(line);
    if (fenceMatch) {
      if (!fence) fence = fenceMatch[1];
      else if (fence === fenceMatch[1]) fence = undefined;
      current.lines.push(line);
      continue;
    }
    const heading = fence ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) {
      sections.push(current);
      const level = heading[1].length;
      while (stack.length && stack[stack.length - 1].level >= level) stack.pop();
      stack.push({ level, text: heading[2].trim() });
      current = { heading: stack.map((entry) => entry.text).join(" › "), level, lines: [] };
      continue;
    }
    current.lines.push(line);
  }
  sections.push(current);

  // A document titled by a single leading H1: the title heads the intro; subsections drop it from their path
  // ("Time zones", not "Schedules, Quartz cron and time zones › Time zones") and keep its words as keywords.
  const h1s = sections.filter((section) => section.level === 1);
  const titled =
    h1s.length === 1 && sections.findIndex((section) => section.level > 0) === sections.indexOf(h1s[0]);
  const title = titled ? h1s[0].heading : undefined;
  const chunks: DocChunk[] = [];
  for (const section of sections) {
    const text = section.lines.join("\n").trim();
    if (!text) continue;
    let heading = section.heading || options.title || source.replace(/^[a-z]+:/, "");
    if (title && section.level > 1) heading = heading.slice(title.length + " › ".length);
    const keywords = [options.keywords, title && section.level > 1 ? title : ""].filter(Boolean).join(" ");
    for (const piece of splitLong(text, maxChars)) {
      chunks.push({ id: `${source}#${chunks.length + 1}`, source, heading, text: piece, keywords });
    }
  }
  return chunks;
}

/** Plain text: paragraphs grouped up to maxChars, heading = the document's title. */
export function textChunks(
  source: string,
  text: string,
  title: string,
  maxChars = DEFAULT_CHUNKING.maxChars,
): DocChunk[] {
  return splitLong(text.trim(), maxChars)
    .filter((piece) => piece.trim())
    .map((piece, index) => ({
      id: `${source}#${index + 1}`,
      source,
      heading: title,
      text: piece,
      keywords: "",
    }));
}

/**
 * HTML → markdown-ish text good enough for chunking: drops script/style/nav/header/footer, turns h1–h6 into
 * `#` headings, block elements into line breaks, list items into "- ", strips the remaining tags and decodes
 * entities. The `<title>` is returned separately.
 */
export function htmlToMarkdown(html: string): { title?: string; markdown: string } {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const bodyMatch =
    /<(main|article)\b[^>]*>([\s\S]*?)<\/\1>/i.exec(html) ?? /<body\b[^>]*>([\s\S]*?)<\/body>/i.exec(html);
  let body = bodyMatch ? bodyMatch[bodyMatch.length - 1] : html;
  body = body
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<(script|style|nav|header|footer|noscript|svg|template)\b[^>]*>[\s\S]*?<\/\1>/gi, "")
    .replace(
      /<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/gi,
      (_all, level: string, inner: string) =>
        `\n\n${"#".repeat(Number(level))} ${stripTags(inner).replace(/\s+/g, " ").trim()}\n\n`,
    )
    .replace(/<li\b[^>]*>/gi, "\n- ")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|section|ul|ol|table|tr|pre|blockquote|dl|dd|dt)>/gi, "\n\n")
    .replace(/<(td|th)\b[^>]*>/gi, " | ");
  const markdown = decodeEntities(stripTags(body))
    .split("\n")
    .map((line) => line.replace(/[ \t]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { title: title ? decodeEntities(stripTags(title)).trim() || undefined : undefined, markdown };
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, "");
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  mdash: "—",
  ndash: "–",
  hellip: "…",
  rsquo: "’",
  lsquo: "‘",
  rdquo: "”",
  ldquo: "“",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, entity: string) => {
    if (entity[0] === "#") {
      const code =
        entity[1].toLowerCase() === "x" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
    }
    return NAMED_ENTITIES[entity.toLowerCase()] ?? all;
  });
}

function splitLong(text: string, maxChars: number): string[] {
  if (text.length <= maxChars) return [text];
  const pieces: string[] = [];
  let current = "";
  for (const paragraph of text.split(/\n\s*\n/)) {
    if (current && current.length + paragraph.length + 2 > maxChars) {
      pieces.push(current);
      current = "";
    }
    if (paragraph.length > maxChars) {
      for (let start = 0; start < paragraph.length; start += maxChars)
        pieces.push(paragraph.slice(start, start + maxChars));
      continue;
    }
    current = current ? `${current}\n\n${paragraph}` : paragraph;
  }
  if (current) pieces.push(current);
  return pieces;
}

function chunkArray<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

function firstSentence(text: string): string {
  const match = /^[\s\S]*?[.!?](\s|$)/.exec(text);
  return (match ? match[0] : text).trim();
}

/** "tasks[].new_cluster.autoscale" → "tasks new_cluster autoscale". */
function pathWords(path: string): string {
  return path.replace(/\[\]/g, "").split(".").join(" ");
}
