/**
 * The fast path of YAML reading. The `yaml` package (a Document with source positions, alias caps, precise error
 * messages) costs about ten times what js-yaml's loader does; a plan reads every requirement and every task file,
 * so most of a plan of 1,000 files was spent composing Documents that nobody asked for a position of.
 *
 * js-yaml reads with a schema that resolves plain scalars by exactly the `yaml` package's YAML 1.2 core rules (the
 * regular expressions of its core schema: no binary or signed hex integers, no merge keys, no timestamps;
 * test/domain/yaml-fast.test.ts compares the two). Anything that might not read the same or safely returns
 * undefined and the caller takes the careful path, which gives the error message with its line, or the value of the
 * rare file that uses anchors: a syntax error, a duplicate key, an unknown tag, an empty document, and any text that
 * holds both an anchor-like `&x` and an alias-like `*x` (aliases are where YAML bombs live; js-yaml has no cap), and any
 * text with a `<<:` merge key (the careful parser merges it, as the Databricks CLI does).
 */
import { isDeepStrictEqual } from "node:util";
import { dump, FAILSAFE_SCHEMA, load, Type } from "js-yaml";

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = { decimal: /^[-+]?[0-9]+$/, octal: /^0o[0-7]+$/, hex: /^0x[0-9a-fA-F]+$/ };
const FLOAT = {
  special: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  exponent: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  plain: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
};

const isInt = (text: string) => INT.decimal.test(text) || INT.octal.test(text) || INT.hex.test(text);
const isFloat = (text: string) =>
  FLOAT.special.test(text) || FLOAT.exponent.test(text) || FLOAT.plain.test(text);

const CORE_1_2 = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type("tag:yaml.org,2002:null", {
      kind: "scalar",
      resolve: (text: string) => NULL.test(text),
      construct: () => null,
      predicate: (value: unknown) => value === null,
      represent: () => "null",
    }),
    new Type("tag:yaml.org,2002:bool", {
      kind: "scalar",
      resolve: (text: string) => BOOL.test(text),
      construct: (text: string) => text[0] === "t" || text[0] === "T",
      predicate: (value: unknown) => typeof value === "boolean",
      represent: (value: object) => String(value),
    }),
    new Type("tag:yaml.org,2002:int", {
      kind: "scalar",
      resolve: isInt,
      construct: (text: string) =>
        INT.octal.test(text)
          ? parseInt(text.slice(2), 8)
          : INT.hex.test(text)
            ? parseInt(text.slice(2), 16)
            : parseInt(text, 10),
      predicate: (value: unknown) => Number.isInteger(value),
      represent: (value: object) => JSON.stringify(value),
    }),
    new Type("tag:yaml.org,2002:float", {
      kind: "scalar",
      resolve: isFloat,
      construct: (text: string) =>
        FLOAT.special.test(text)
          ? text.slice(-3).toLowerCase() === "nan"
            ? NaN
            : text[0] === "-"
              ? Number.NEGATIVE_INFINITY
              : Number.POSITIVE_INFINITY
          : parseFloat(text),
      // As the yaml package writes numbers: JSON's spelling, .nan / .inf / -.inf for the others.
      predicate: (value: unknown) => typeof value === "number" && !Number.isInteger(value),
      represent: (value: object) => {
        const n = Number(value);
        return Number.isNaN(n)
          ? ".nan"
          : !Number.isFinite(n)
            ? n < 0
              ? "-.inf"
              : ".inf"
            : JSON.stringify(n);
      },
    }),
  ],
});

const MAYBE_ANCHOR = /&[^\s]/;
const MAYBE_ALIAS = /\*[^\s]/;
/** A `<<` merge key (the careful parser merges it; this schema would keep it as a key). */
const MAYBE_MERGE = /<<\s*:/;

/** The value of a single YAML document, or undefined when the careful parser must decide. */
export function loadYamlFast(source: string): { value: unknown } | undefined {
  if (MAYBE_ANCHOR.test(source) && MAYBE_ALIAS.test(source)) return undefined;
  if (MAYBE_MERGE.test(source)) return undefined;
  try {
    const value = load(source, { schema: CORE_1_2 });
    return value === undefined ? undefined : { value };
  } catch {
    return undefined;
  }
}

/**
 * YAML text of a value as the `yaml` package writes it (block style, plain scalars where the YAML 1.2 core schema
 * reads them back as strings, double quotes otherwise, no line folding), written by js-yaml — about ten times faster
 * (task files are written for every job of a plan). undefined when the two writers may differ: a string holding a
 * double quote (the `yaml` package single-quotes those) or text that does not read back as the same value; the
 * caller then writes with the `yaml` package. test/domain/yaml-fast.test.ts compares the two writers.
 */
export function dumpYamlFast(value: unknown): string | undefined {
  let text: string;
  try {
    text = dump(value, {
      schema: CORE_1_2,
      lineWidth: -1,
      noRefs: true,
      quotingType: '"',
      noCompatMode: true,
    });
  } catch {
    return undefined;
  }
  if (text.includes('\\"')) return undefined;
  const back = loadYamlFast(text);
  return back && isDeepStrictEqual(back.value, value) ? text : undefined;
}
