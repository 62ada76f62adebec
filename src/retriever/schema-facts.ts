/**
 * What the generated job schema (src/domain/job-schema.ts) knows about a field beyond the SDK's type declarations
 * — integers, ranges, lengths, entry limits, patterns — added to the retriever's field reference, so a retrieved
 * field says the limits the validator will apply. Pure.
 */
import { definition, type JsonSchema } from "../domain/job-schema.js";
import type { SdkType } from "./sdk-types.js";

/** The schema's constraints on one value, in words ("integer, at least 0; at most 25 entries"). */
export function constraintWords(schema: JsonSchema): string {
  const words: string[] = [];
  if (schema.type === "integer") words.push("integer");
  if (schema.minimum !== undefined) words.push(`at least ${schema.minimum}`);
  if (schema.maximum !== undefined) words.push(`at most ${schema.maximum}`);
  if (schema.minLength === 1) words.push("not empty");
  if (schema.maxLength !== undefined) words.push(`at most ${schema.maxLength} characters`);
  if (schema.minItems !== undefined) words.push(`at least ${schema.minItems} entries`);
  const most = schema.maxItems ?? schema.maxProperties;
  if (most !== undefined) words.push(`at most ${most} entries`);
  if (schema.pattern) words.push(`matching ${schema.pattern}`);
  const item = schema.items && !schema.items.$ref ? constraintWords(schema.items) : "";
  if (item) words.push(`each ${item}`);
  return words.join(", ");
}

/**
 * The schema definition for an SDK type, when it is the same type: schema names are unqualified, and a name can
 * exist in two packages (jobs.ClusterSpec and compute.ClusterSpec), so the fields must match too (one side's fields all in the other; the schema may add a field).
 */
export function schemaDefinitionOf(type: SdkType): JsonSchema | undefined {
  let found: JsonSchema;
  try {
    found = definition(type.name);
  } catch {
    return undefined; // a type outside the job settings (workspace, sql, pipelines, runs, ...)
  }
  const props = found.properties ?? {};
  const names = new Set(type.fields.map((f) => f.name));
  const same =
    type.fields.length > 0 &&
    (type.fields.every((f) => f.name in props) || Object.keys(props).every((f) => names.has(f)));
  return same ? found : undefined;
}

/** The types with each jobs/compute field's schema constraints set as `limits` (others unchanged). */
export function withSchemaFacts(types: SdkType[]): SdkType[] {
  return types.map((type) => {
    if (type.kind !== "interface" || (type.pkg !== "jobs" && type.pkg !== "compute")) return type;
    const found = schemaDefinitionOf(type);
    if (!found) return type;
    const fields = type.fields.map((field) => {
      const schema = found.properties?.[field.name];
      const limits = schema ? constraintWords(schema) : "";
      return limits ? { ...field, limits } : field;
    });
    return { ...type, fields };
  });
}
