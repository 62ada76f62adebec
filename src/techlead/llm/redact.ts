/**
 * What the model is shown must not carry secrets: the shared redactor (src/domain/secrets.ts: known secrets and
 * well-known credential formats), plus `secret_key = value` assignments in prose and the values of map keys whose
 * name says they hold a credential. Pure.
 */
import { isSecretKeyName, redact } from "../../domain/secrets.js";

export const REDACTED = "[REDACTED]";

const TOKEN_PATTERNS: RegExp[] = [
  /\bdapi[0-9a-f]{32}(?:-\d+)?\b/gi, // Databricks PAT
  /\bdose[0-9a-f]{32}\b/gi, // Databricks OAuth secret
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}\b/g, // OpenAI / Anthropic keys
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, // Slack tokens
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, // JWT
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{12,}/g,
];

/** key = value / key: value where the key says it is a secret. */
const SECRET_ASSIGNMENT =
  /\b([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|credential)[A-Za-z0-9_.-]*)(\s*[:=]\s*)(["']?)([^\s"',;]{4,})\3/gi;

/** Redacts token-shaped strings and `secret_key = value` assignments in free text. */
export function redactText(text: string, extraSecrets: Iterable<string> = []): string {
  let out = redact(text, extraSecrets);
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, REDACTED);
  out = out.replace(SECRET_ASSIGNMENT, (_m, key: string, sep: string, quote: string, value: string) =>
    value.startsWith("{{secrets/") || value === REDACTED
      ? `${key}${sep}${quote}${value}${quote}`
      : `${key}${sep}${quote}${REDACTED}${quote}`,
  );
  return out;
}

/** Deep copy with secret-looking keys' values replaced and token shapes redacted in every string. */
export function redactValue(value: unknown, extraSecrets: Iterable<string> = []): unknown {
  const extras = [...extraSecrets];
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === "string") {
      if (key !== undefined && isSecretKeyName(key) && !v.startsWith("{{secrets/")) return REDACTED;
      return redactText(v, extras);
    }
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = walk(x, k);
      return out;
    }
    return v;
  };
  return walk(value);
}
