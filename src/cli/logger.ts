/**
 * The CLI's Logger: human lines to stderr (stdout stays clean for --json), every message passed through the
 * redactor so a token given to the CLI can never be printed.
 */
import type { Logger } from "../domain/model.js";
import { redact } from "../domain/secrets.js";

/**
 * The CLI's redactor: the secrets it was given, plus anything shaped like a token (domain/secrets.ts). The list is
 * read at each call, so secrets learned later (a config profile's) count too.
 */
export function createRedactor(secrets: Array<string | undefined>): (text: string) => string {
  return (text) =>
    redact(
      text,
      secrets.filter((s): s is string => typeof s === "string" && s.length >= 6),
    );
}

export function createCliLogger(options: {
  verbose?: boolean;
  redact: (text: string) => string;
  stream?: NodeJS.WritableStream;
}): Logger {
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
