// Types of the generated validator (job-settings.validate.js, written by scripts/generate-job-schema.mjs).
import type { ErrorObject } from "ajv";

interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

declare const validate: CompiledValidator;
export default validate;
