/**
 * Inline secrets in a job spec (tokens, passwords, keys in parameters, env vars, spark_conf, git URLs...). Pure.
 * A secret must be referenced, never written: `{{secrets/<scope>/<key>}}` (Databricks secret reference), which the
 * service resolves at run time. Findings never carry the secret itself in a user-visible field.
 */
import { escapeRegExp } from "./regexp.js";
import { formatPath } from "./schema.js";

export interface SecretFinding {
  code: "secret.inline";
  path: string;
  /** What kind of secret (e.g. "Databricks personal access token"). */
  kind: string;
  /** Redacted rendering of the value (safe to show). */
  value: string;
  message: string;
  fix: string;
  /** The raw secret, for `redact()` only. Never log or render it. */
  secret: string;
}

interface TokenPattern {
  kind: string;
  re: RegExp;
}

/** Well-known credential formats (matched anywhere in a string). */
const TOKEN_PATTERNS: TokenPattern[] = [
  { kind: "Databricks personal access token", re: /\bdapi[0-9a-f]{32}(-\d+)?\b/ },
  { kind: "Databricks OAuth secret", re: /\bdose[0-9a-f]{32}\b/ },
  { kind: "GitHub token", re: /\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { kind: "AWS access key id", re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: "OpenAI API key", re: /\bsk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}\b/ },
  { kind: "Slack token", re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { kind: "Slack webhook URL", re: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9_/]+/ },
  { kind: "JSON Web Token", re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { kind: "private key", re: /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/ },
  { kind: "Azure storage account key", re: /AccountKey=[A-Za-z0-9+/]{40,}={0,2}/ },
  { kind: "Google API key", re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
];

/** Credentials in a URL: user:password@host, or token-like query parameters. */
const URL_USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/@:]+):([^\s/@]+)@/i;
const URL_TOKEN_USER = /\bhttps?:\/\/([A-Za-z0-9_-]{20,})@/;
const URL_QUERY_SECRET =
  /[?&](token|access_token|api_key|apikey|key|sig|signature|password|secret|code)=([^&\s#]{6,})/i;

const SECRET_KEY_WORDS =
  /(^|[_.\-\s])(password|passwd|pwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?token|credentials?|sas)($|[_.\-\s])/;
/** Key names that mention a secret but hold a harmless value (its scope, name, location, size...). */
const HARMLESS_KEY_SUFFIX =
  /([_.-](scope|name|names|path|file|dir|directory|id|ids|url|uri|endpoint|ttl|type|length|count|limit|enabled|env|var|key_name|header|prefix|suffix|format|version|mode|provider|user|username|host|hostname|port|table|column|catalog|schema|field))$/;

/** Values that are references or placeholders, not secrets. */
function isReferenceOrPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === "") return true;
  if (/^\{\{\s*secrets\/[^/}]+\/[^}]+\}\}$/.test(v)) return true;
  if (/\{\{[^}]+\}\}/.test(v)) return true; // {{job.parameters.x}}, {{tasks.a.values.b}} dynamic references
  if (/^\$\{[^}]+\}$/.test(v) || /^\$[A-Z_][A-Z0-9_]*$/.test(v)) return true; // ${var.x}, $ENV_VAR
  if (/^<[^>]*>$/.test(v) || /^(x+|\*+|\.\.\.|redacted|changeme_placeholder|none|null|true|false)$/i.test(v))
    return true;
  if (/^(dbfs:|s3a?:|abfss?:|gs:|file:)?\/\S*$/.test(v) && !/[?&]/.test(v)) return true; // a path
  if (/^\d{1,5}$/.test(v)) return true; // a number (sizes, counts)
  return false;
}

/**
 * A lower-case identifier of several words ("kafka-bootstrap-servers-tls", "prod_api_key") is the *name* of a
 * secret (a key in a secret scope), not a secret: credentials are not written as hyphenated words.
 */
function looksLikeName(value: string): boolean {
  return /^[a-z][a-z0-9]*([-_.][a-z0-9]+){2,}$/.test(value);
}

function splitKeyWords(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** True when a map key / parameter name says its value is a credential. */
export function isSecretKeyName(key: string): boolean {
  const k = splitKeyWords(key);
  return SECRET_KEY_WORDS.test(k) && !HARMLESS_KEY_SUFFIX.test(k);
}

/** Finds a well-known credential format inside a string. */
export function findTokenInText(text: string): { kind: string; match: string } | undefined {
  for (const { kind, re } of TOKEN_PATTERNS) {
    const m = re.exec(text);
    if (m) return { kind, match: m[0] };
  }
  const user = URL_USERINFO.exec(text);
  if (user && !isReferenceOrPlaceholder(user[2])) return { kind: "password in a URL", match: user[2] };
  const tokenUser = URL_TOKEN_USER.exec(text);
  if (tokenUser && !isReferenceOrPlaceholder(tokenUser[1]))
    return { kind: "token in a URL", match: tokenUser[1] };
  const query = URL_QUERY_SECRET.exec(text);
  if (query && !isReferenceOrPlaceholder(query[2]))
    return { kind: `'${query[1]}' in a URL`, match: query[2] };
  return undefined;
}

/** A safe rendering of a secret value: its kind and length, never its characters. */
export function redactedValue(kind: string, secret: string): string {
  return `[redacted ${kind}, ${secret.length} chars]`;
}

const FIX =
  "store it in a Databricks secret scope (databricks secrets put-secret <scope> <key>) and reference it as {{secrets/<scope>/<key>}}; never commit the value (rotate it if it was pushed)";

type Segment = string | number;

function finding(
  segments: Segment[],
  root: unknown,
  kind: string,
  secret: string,
  why: string,
): SecretFinding {
  const path = formatPath(segments, root);
  return {
    code: "secret.inline",
    path,
    kind,
    value: redactedValue(kind, secret),
    message: `${path} contains an inline ${kind}${why}; secrets must not be written in a job spec`,
    fix: FIX,
    secret,
  };
}

/** Scans every string of the settings for credentials; map keys named like credentials must hold references. */
export function findInlineSecrets(settings: unknown): SecretFinding[] {
  const out: SecretFinding[] = [];
  const seen = new Set<string>();
  const push = (f: SecretFinding): void => {
    const id = `${f.path}|${f.secret}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(f);
    }
  };

  const checkString = (value: string, segments: Segment[], keyName: string | undefined): void => {
    const token = findTokenInText(value);
    if (token) {
      push(finding(segments, settings, token.kind, token.match, ""));
      return;
    }
    if (
      keyName !== undefined &&
      isSecretKeyName(keyName) &&
      !isReferenceOrPlaceholder(value) &&
      !looksLikeName(value)
    ) {
      push(
        finding(
          segments,
          settings,
          "password or secret",
          value,
          ` (the key '${keyName}' names a credential and its value is a literal)`,
        ),
      );
    }
  };

  const checkArgList = (list: unknown[], segments: Segment[]): void => {
    // ["--password", "hunter2"] or ["--token=abc"]
    list.forEach((item, i) => {
      if (typeof item !== "string") return;
      const eq = /^--?([A-Za-z][\w.-]*)=(.*)$/s.exec(item);
      if (
        eq &&
        isSecretKeyName(eq[1]) &&
        !isReferenceOrPlaceholder(eq[2]) &&
        !looksLikeName(eq[2]) &&
        !findTokenInText(item)
      ) {
        push(finding([...segments, i], settings, "password or secret", eq[2], ` (argument '--${eq[1]}')`));
        return;
      }
      const flag = /^--?([A-Za-z][\w.-]*)$/.exec(item);
      const next = list[i + 1];
      if (
        flag &&
        isSecretKeyName(flag[1]) &&
        typeof next === "string" &&
        !next.startsWith("-") &&
        !isReferenceOrPlaceholder(next) &&
        !looksLikeName(next) &&
        !findTokenInText(next)
      ) {
        push(
          finding(
            [...segments, i + 1],
            settings,
            "password or secret",
            next,
            ` (value of argument '${item}')`,
          ),
        );
      }
    });
  };

  const walk = (node: unknown, segments: Segment[], keyName: string | undefined): void => {
    if (typeof node === "string") {
      checkString(node, segments, keyName);
      return;
    }
    if (Array.isArray(node)) {
      const last = segments[segments.length - 1];
      if (
        last === "parameters" ||
        last === "jar_params" ||
        last === "python_params" ||
        last === "spark_submit_params"
      ) {
        checkArgList(node, segments);
      }
      node.forEach((item, i) => walk(item, [...segments, i], undefined));
      return;
    }
    if (node !== null && typeof node === "object") {
      const entry = node as Record<string, unknown>;
      // Job parameter definitions {name, default}: the name says what the default is.
      if (
        typeof entry.name === "string" &&
        typeof entry.default === "string" &&
        Object.keys(entry).length <= 2
      ) {
        const token = findTokenInText(entry.default);
        if (token) push(finding([...segments, "default"], settings, token.kind, token.match, ""));
        else if (
          isSecretKeyName(entry.name) &&
          !isReferenceOrPlaceholder(entry.default) &&
          !looksLikeName(entry.default)
        )
          push(
            finding(
              [...segments, "default"],
              settings,
              "password or secret",
              entry.default,
              ` (job parameter '${entry.name}' names a credential)`,
            ),
          );
        return;
      }
      for (const [k, v] of Object.entries(entry)) walk(v, [...segments, k], k);
    }
  };
  walk(settings, [], undefined);
  return out;
}

/**
 * Replaces every known secret (and every well-known credential format) in `text` with `***`.
 * Use on anything that may reach a log, a comment or a commit.
 */
export function redact(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text;
  const secrets = [...knownSecrets]
    .filter((s) => typeof s === "string" && s.length >= 4)
    .sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.replace(new RegExp(escapeRegExp(secret), "g"), "***");
  for (const { re } of TOKEN_PATTERNS) out = out.replace(new RegExp(re.source, "g"), "***");
  out = out.replace(new RegExp(URL_USERINFO.source, "gi"), (m, _user: string, pass: string) =>
    m.replace(`:${pass}@`, ":***@"),
  );
  return out;
}
