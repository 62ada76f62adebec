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
 * holds both an anchor-like `&x` and an alias-like `*x` (aliases are where YAML bombs live; js-yaml has no cap).
 */
import { FAILSAFE_SCHEMA, load, Type } from "js-yaml";

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
    }),
    new Type("tag:yaml.org,2002:bool", {
      kind: "scalar",
      resolve: (text: string) => BOOL.test(text),
      construct: (text: string) => text[0] === "t" || text[0] === "T",
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
    }),
  ],
});

const MAYBE_ANCHOR = /&[^\s]/;
const MAYBE_ALIAS = /\*[^\s]/;

/** The value of a single YAML document, or undefined when the careful parser must decide. */
export function loadYamlFast(source: string): { value: unknown } | undefined {
  if (MAYBE_ANCHOR.test(source) && MAYBE_ALIAS.test(source)) return undefined;
  try {
    const value = load(source, { schema: CORE_1_2 });
    return value === undefined ? undefined : { value };
  } catch {
    return undefined;
  }
}
