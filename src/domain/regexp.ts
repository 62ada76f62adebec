/** Text as a regular expression that matches it literally (every pattern character escaped). Pure. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
