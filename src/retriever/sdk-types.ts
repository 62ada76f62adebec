/**
 * Field reference extracted from the Databricks SDK's type declarations (`dist/apis/<pkg>/model.d.ts`).
 *
 * The TypeScript compiler module is passed in (it is a dev-time dependency: the build script and the
 * in-memory fallback load it; the shipped bundle never does). Parsing only: no type checking, no I/O.
 */
import type * as TS from "typescript";

export type TypeScriptModule = typeof TS;

export interface SdkField {
  name: string;
  /** The declared type as written, e.g. "Array<compute.Library>". */
  type: string;
  /** Qualified SDK types the field refers to, e.g. ["compute.Library"]. */
  refs: string[];
  description: string;
  required: boolean;
  /** Limits from the generated job schema the declarations cannot express ("integer, at least 0"). */
  limits?: string;
}

export interface SdkEnumValue {
  value: string;
  description: string;
}

export interface SdkType {
  /** SDK service package: jobs, compute, workspace, sql, pipelines. */
  pkg: string;
  name: string;
  kind: "interface" | "enum";
  description: string;
  fields: SdkField[];
  values: SdkEnumValue[];
}

/** The model packages the corpus covers. */
export const SDK_PACKAGES = ["jobs", "compute", "workspace", "sql", "pipelines"] as const;

/** `pkg.Name` */
export function qualifiedName(type: Pick<SdkType, "pkg" | "name">): string {
  return `${type.pkg}.${type.name}`;
}

/** Parses one model.d.ts and returns its interfaces (with fields) and string-literal enums (with values). */
export function extractSdkTypes(
  ts: TypeScriptModule,
  pkg: string,
  fileName: string,
  text: string,
): SdkType[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const types: SdkType[] = [];
  const importAliases = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) importAliases.add(bindings.name.text);
    }
  }

  const refsOf = (node: TS.Node | undefined): string[] => {
    const refs = new Set<string>();
    const visit = (n: TS.Node): void => {
      if (ts.isTypeReferenceNode(n)) {
        const name = n.typeName;
        if (ts.isQualifiedName(name) && ts.isIdentifier(name.left) && importAliases.has(name.left.text)) {
          refs.add(`${name.left.text}.${name.right.text}`);
        } else if (
          ts.isIdentifier(name) &&
          !["Array", "Record", "Map", "Date", "Promise"].includes(name.text)
        ) {
          refs.add(`${pkg}.${name.text}`);
        }
      }
      ts.forEachChild(n, visit);
    };
    if (node) visit(node);
    return [...refs];
  };

  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement)) {
      const fields: SdkField[] = [];
      for (const member of statement.members) {
        if (!ts.isPropertySignature(member) || !member.name) continue;
        const name =
          ts.isIdentifier(member.name) || ts.isStringLiteral(member.name)
            ? member.name.text
            : member.name.getText(source);
        fields.push({
          name,
          type: member.type ? member.type.getText(source).replace(/\s+/g, " ") : "unknown",
          refs: refsOf(member.type),
          description: docComment(ts, text, member),
          required: !member.questionToken,
        });
      }
      types.push({
        pkg,
        name: statement.name.text,
        kind: "interface",
        description: docComment(ts, text, statement),
        fields,
        values: [],
      });
    } else if (ts.isTypeAliasDeclaration(statement)) {
      const literals = literalMembers(ts, statement.type);
      if (!literals) continue;
      // A member's JSDoc sits before its `|`, i.e. anywhere between the previous member and this one.
      let from = statement.type.getFullStart();
      const values = literals.map((literal) => {
        const between = text.slice(from, literal.node.getStart(source));
        from = literal.node.getEnd();
        const docs = between.match(/\/\*\*[\s\S]*?\*\//g);
        const last = docs?.[docs.length - 1];
        return { value: literal.text, description: last ? cleanDoc(last.slice(3, -2)) : "" };
      });
      types.push({
        pkg,
        name: statement.name.text,
        kind: "enum",
        description: docComment(ts, text, statement),
        fields: [],
        values,
      });
    }
  }
  return types;
}

function literalMembers(
  ts: TypeScriptModule,
  node: TS.TypeNode,
): Array<{ text: string; node: TS.Node }> | undefined {
  const members = ts.isUnionTypeNode(node) ? [...node.types] : [node];
  const out: Array<{ text: string; node: TS.Node }> = [];
  for (const member of members) {
    if (!ts.isLiteralTypeNode(member) || !ts.isStringLiteral(member.literal)) return undefined;
    out.push({ text: member.literal.text, node: member });
  }
  return out;
}

/** The last JSDoc block (`/** … *\/`) before a node, as plain text without the comment markup. */
function docComment(ts: TypeScriptModule, text: string, node: TS.Node): string {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const docs = ranges.filter((range) => text.startsWith("/**", range.pos));
  const last = docs[docs.length - 1];
  if (!last) return "";
  return cleanDoc(text.slice(last.pos + 3, last.end - 2));
}

/** Strips leading `*`, drops markdown link definitions and joins wrapped lines into paragraphs. */
export function cleanDoc(raw: string): string {
  const lines = raw.split("\n").map((line) => line.replace(/^\s*\*\s?/, "").trimEnd());
  const kept = lines.filter((line) => !/^\[[^\]]+\]:\s*\S+/.test(line.trim()));
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (const line of kept) {
    if (line.trim() === "") {
      if (current.length) paragraphs.push(current.join(" "));
      current = [];
    } else {
      current.push(line.trim());
    }
  }
  if (current.length) paragraphs.push(current.join(" "));
  return paragraphs.join("\n").trim();
}
