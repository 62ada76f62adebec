/** Escaping and links for the plan's markdown (render.ts, render-hints.ts). Pure. */

/** Escapes text for inline markdown and HTML (tables, summaries, lists): every markup character becomes an entity. */
export function escapeMarkdown(text: string): string {
  return String(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
    .replace(/\r?\n|\r/g, " ")
    .replace(/[&<>`|\\*_[\]~@#!:]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A URL safe inside a markdown link or an HTML attribute. */
export function safeUrl(url: string): string {
  const encoded = /%[0-9A-Fa-f]{2}/.test(url) ? url : encodeURI(url);
  return encoded.replace(
    /[()<>"'`\s@!*[\]]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

/** A markdown link when `url` is http(s), else the escaped text. */
export function link(text: string, url: string | undefined): string {
  if (!url || !/^https?:\/\//i.test(url)) return escapeMarkdown(text);
  return `[${escapeMarkdown(text)}](${safeUrl(url)})`;
}
