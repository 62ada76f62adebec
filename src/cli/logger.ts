/**
 * The CLI's Logger: human lines to stderr (stdout stays clean for --json), every message passed through the
 * redactor so a token given to the CLI can never be printed.
 */
import type { Logger } from "../domain/model.js";

export function createRedactor(secrets: Array<string | undefined>): (text: string) => string {
  const values = secrets.filter((s): s is string => typeof s === "string" && s.length >= 6).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of values) out = out.split(secret).join("***");
    return out;
  };
}

export function createCliLogger(options: { verbose?: boolean; redact: (text: string) => string; stream?: NodeJS.WritableStream }): Logger {
  const stream = options.stream ?? process.stderr;
  const write = (prefix: string, message: string) => stream.write(`${prefix}${options.redact(message)}\n`);
  return {
    info: (m) => write("", m),
    warn: (m) => write("warning: ", m),
    error: (m) => write("error: ", m),
    debug: (m) => {
      if (options.verbose) write("debug: ", m);
    },
    async group(name, fn) {
      if (options.verbose) write("", `▸ ${name}`);
      return fn();
    },
  };
}
