// Generates src/domain/generated/job-settings.schema.json: the JSON Schema of the Jobs API job settings
// (CreateJob = JobSettings + access_control_list, JobSettings itself, and Job as jobs/get returns it), from the installed
// @databricks/sdk-experimental type declarations, with the SDK's field docs as descriptions, then customised by
// path with src/domain/job-schema.overrides.json (what the .d.ts cannot say: integers, documented limits).
// Also src/domain/generated/job-settings.validate.js: that schema's Ajv validator compiled ahead of time (Ajv's
// standalone code), so a plan does not spend ~0.5 s compiling it on every run.
//
//   node scripts/generate-job-schema.mjs           writes the file
//   node scripts/generate-job-schema.mjs --check   exits 1 when the committed file differs (stale vs. the SDK)
//   ... --check --against FILE                      the same check for another copy
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createGenerator } from "ts-json-schema-generator";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
export const OUTPUT = path.join(root, "src/domain/generated/job-settings.schema.json");
const VALIDATOR = path.join(root, "src/domain/generated/job-settings.validate.js");
/** The options src/domain/schema.ts relies on (every error, with the failing data and schema; ajv-formats added). */
const AJV_OPTIONS = { allErrors: true, verbose: true, strict: false };
const OVERRIDES = path.join(root, "src/domain/job-schema.overrides.json");
const ROOT_TYPES = ["CreateJob", "JobSettings", "Job"];

function sdkInfo() {
  const pkgJson = require.resolve("@databricks/sdk-experimental/package.json", { paths: [root] });
  const dir = path.dirname(pkgJson);
  const { version } = JSON.parse(readFileSync(pkgJson, "utf8"));
  return { version, modelFile: path.join(dir, "dist/apis/jobs/model.d.ts") };
}

function generatorVersion() {
  const file = require.resolve("ts-json-schema-generator/package.json", { paths: [root] });
  return JSON.parse(readFileSync(file, "utf8")).version;
}

/** Raw definitions for the root types, merged (they share most of their definitions). */
function generate(modelFile) {
  const generator = createGenerator({
    path: modelFile,
    skipTypeCheck: true,
    expose: "all",
    topRef: true,
    jsDoc: "extended",
    additionalProperties: false,
    sortProps: true,
  });
  const definitions = {};
  for (const type of ROOT_TYPES) Object.assign(definitions, generator.createSchema(type).definitions);
  return definitions;
}

/** Replaces `$ref`s to generic helper definitions (`Record<string,string>`) by their content. */
function inlineGenerics(definitions) {
  const generic = Object.fromEntries(
    Object.keys(definitions)
      .filter((name) => /[<>]/.test(name))
      .map((name) => [name, definitions[name]]),
  );
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    const ref =
      typeof node.$ref === "string" ? decodeURIComponent(node.$ref.replace("#/definitions/", "")) : "";
    if (ref in generic) {
      delete node.$ref;
      Object.assign(
        node,
        structuredClone(generic[ref]),
        node.description ? { description: node.description } : {},
      );
    }
    Object.values(node).forEach(visit);
  };
  for (const name of Object.keys(generic)) delete definitions[name];
  visit(definitions);
}

/** Every SDK `number` becomes `integer` (the APIs declare them int32/int64) except the listed doubles. */
function integers(definitions, doubles) {
  for (const [typeName, def] of Object.entries(definitions)) {
    for (const [field, prop] of Object.entries(def.properties ?? {})) {
      const target = prop.type === "array" ? prop.items : prop;
      if (target?.type === "number" && !(`${typeName}.${field}` in doubles)) target.type = "integer";
    }
  }
}

/** CreateJob repeats JobSettings' fields (plus access_control_list): a JobSettings entry customises both. */
function targetsOf(definitions, key) {
  const [typeName, field] = key.split(".");
  const types = typeName === "JobSettings" ? ["JobSettings", "CreateJob"] : [typeName];
  const props = types.map((t) => definitions[t]?.properties?.[field]);
  if (props.some((p) => !p)) {
    throw new Error(`${OVERRIDES}: '${key}' names a field the SDK does not declare; update the overrides`);
  }
  return props;
}

function addFields(definitions, additions) {
  for (const [key, entry] of Object.entries(additions)) {
    if (key.startsWith("$")) continue;
    const [typeName, field] = key.split(".");
    const type = definitions[typeName];
    if (!type?.properties)
      throw new Error(`${OVERRIDES}: additions '${key}': the SDK has no type ${typeName}`);
    if (type.properties[field]) {
      throw new Error(
        `${OVERRIDES}: additions '${key}': the SDK now declares it; remove it from the additions`,
      );
    }
    if (!entry.source) throw new Error(`${OVERRIDES}: additions '${key}' has no source`);
    type.properties[field] = structuredClone(entry.schema);
  }
}

function applyOverrides(definitions, fields) {
  for (const [key, entry] of Object.entries(fields)) {
    if (!entry.source) throw new Error(`${OVERRIDES}: '${key}' has no source`);
    for (const prop of targetsOf(definitions, key)) customise(prop, entry);
  }
}

function customise(prop, entry) {
  if (entry.replace) {
    for (const k of Object.keys(prop)) if (k !== "description") delete prop[k];
    Object.assign(prop, entry.replace);
  }
  Object.assign(prop, entry.set ?? {});
  if (entry.items) Object.assign(prop.items, entry.items);
}

function sortKeys(node) {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.keys(node)
      .sort()
      .map((k) => [k, sortKeys(node[k])]),
  );
}

/** The schema text for the installed SDK (deterministic: same SDK + overrides → same bytes). */
export function buildSchemaText() {
  const sdk = sdkInfo();
  const overrides = JSON.parse(readFileSync(OVERRIDES, "utf8"));
  const definitions = generate(sdk.modelFile);
  inlineGenerics(definitions);
  addFields(definitions, overrides.additions ?? {});
  integers(definitions, overrides.numbers);
  applyOverrides(definitions, overrides.fields);
  const schema = {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://jobagent.local/schemas/job-settings.json",
    $comment: `GENERATED by scripts/generate-job-schema.mjs from @databricks/sdk-experimental ${sdk.version} (dist/apis/jobs/model.d.ts) with ts-json-schema-generator ${generatorVersion()} and src/domain/job-schema.overrides.json. Do not edit: run 'npm run schema:generate'.`,
    $ref: "#/definitions/CreateJob",
    definitions: sortKeys(definitions),
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Ajv's standalone ESM code for the schema; its require() calls of Ajv's runtime become imports. */
function buildValidatorText(schemaText) {
  const { Ajv } = require("ajv");
  const standaloneCode = require("ajv/dist/standalone").default;
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  require("ajv-formats").default(ajv);
  const code = standaloneCode(ajv, ajv.compile(JSON.parse(schemaText)));
  const modules = [];
  const body = code.replace(/require\("([^"]+)"\)/g, (_, name) => {
    if (!modules.includes(name)) modules.push(name);
    return `__runtime${modules.indexOf(name)}`;
  });
  // `__runtimeN` is what require() returned (module.exports), under Node's and under bundlers' CommonJS interop.
  const imports = modules
    .map(
      (name, i) =>
        `import * as __ns${i} from "${name}.js";\nconst __runtime${i} = __ns${i}.default?.__esModule ? __ns${i}.default : __ns${i};`,
    )
    .join("\n");
  return `// GENERATED by scripts/generate-job-schema.mjs (Ajv ${require("ajv/package.json").version} standalone code for job-settings.schema.json, options ${JSON.stringify(AJV_OPTIONS)}). Do not edit: run 'npm run schema:generate'.\n${imports}\n${body}\n`;
}

function checkValidator(text) {
  const current = existsSync(VALIDATOR) ? readFileSync(VALIDATOR, "utf8") : "";
  if (current === buildValidatorText(text)) return;
  console.error(
    `${path.relative(root, VALIDATOR)} is stale: it is not the compiled form of the schema. Run 'npm run schema:generate' and commit the result.`,
  );
  process.exit(1);
}

function main() {
  const text = buildSchemaText();
  if (process.argv.includes("--check")) {
    // --against FILE checks another copy (the test of this check uses it); default: the committed file.
    const at = process.argv.indexOf("--against");
    const file = at > 0 ? path.resolve(process.argv[at + 1]) : OUTPUT;
    const current = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (current !== text) {
      console.error(
        `${path.relative(root, file)} is stale: it does not match the installed @databricks/sdk-experimental and src/domain/job-schema.overrides.json. Run 'npm run schema:generate' and commit the result.`,
      );
      process.exit(1);
    }
    if (at < 0) checkValidator(text);
    console.log(`${path.relative(root, file)} is up to date`);
    return;
  }
  mkdirSync(path.dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, text);
  writeFileSync(VALIDATOR, buildValidatorText(text));
  console.log(`wrote ${path.relative(root, OUTPUT)} and ${path.relative(root, VALIDATOR)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
