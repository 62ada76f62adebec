/** The one markdown table cell escaper: a cell is one line, and a `|` inside it is text, not a column break. */
export function escapeTableCell(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/\|/g, "\\|");
}
