/**
 * The generated JSON Schema of the job settings (src/domain/generated/job-settings.schema.json, built from the
 * installed @databricks/sdk-experimental type declarations by scripts/generate-job-schema.mjs) and the questions
 * every module asks of it: which fields a type has, which values an enum takes, what sits at a field path.
 * The one place that knows the shape of a job. Pure: the JSON is bundled, nothing is read at run time.
 */
import generated from "./generated/job-settings.schema.json" with { type: "json" };

/** The subset of JSON Schema the generator emits. */
export interface JsonSchema {
  $ref?: string;
  $id?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  pattern?: string;
  definitions?: Record<string, JsonSchema>;
}

/** The whole schema: root `$ref` to CreateJob (JobSettings + access_control_list), definitions by SDK type name. */
export const JOB_SETTINGS_SCHEMA: Readonly<JsonSchema> = generated as JsonSchema;

const DEFINITIONS = JOB_SETTINGS_SCHEMA.definitions ?? {};

/** The definition of an SDK type (`Task`, `ClusterSpec`, …); throws on a name the schema does not have. */
export function definition(typeName: string): JsonSchema {
  const found = DEFINITIONS[typeName];
  if (!found) throw new Error(`the generated job schema has no type '${typeName}'`);
  return found;
}

/** Follows a `$ref` to its definition (one level: the generator never chains them). */
export function resolve(node: JsonSchema): JsonSchema {
  if (!node.$ref) return node;
  return definition(decodeURIComponent(node.$ref.replace("#/definitions/", "")));
}

/** Field names of an SDK object type, in schema order (alphabetical). */
export function fieldsOf(typeName: string): string[] {
  return Object.keys(definition(typeName).properties ?? {});
}

/** Values of an SDK string enum (`RunIf`, `GitProvider`, …). */
export function enumValues(typeName: string): string[] {
  return [...(definition(typeName).enum ?? [])];
}

/**
 * The schema of the value at a path of field names from the job settings root; array entries are stepped over
 * (`["tasks", "new_cluster"]` is ClusterSpec). Undefined when the path leaves the schema.
 */
export function schemaAt(fields: readonly string[], rootType = "CreateJob"): JsonSchema | undefined {
  let node: JsonSchema | undefined = definition(rootType);
  for (const field of fields) {
    while (node && resolve(node).type === "array") node = resolve(node).items;
    if (!node) return undefined;
    const next: JsonSchema | undefined = resolve(node).properties?.[field];
    if (!next) return undefined;
    node = next;
  }
  return node ? resolve(node) : undefined;
}

/** Field names allowed in the object at a path (empty when the path is not an object with known fields). */
export function fieldNamesAt(fields: readonly string[], rootType = "CreateJob"): string[] {
  let node = schemaAt(fields, rootType);
  while (node?.type === "array" && node.items) node = resolve(node.items);
  return Object.keys(node?.properties ?? {});
}
