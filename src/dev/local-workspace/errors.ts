/**
 * Errors the local workspace answers with, in the real service's wire shape: HTTP status + `{error_code, message}`.
 */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

export const invalidParameter = (message: string): ServiceError =>
  new ServiceError(400, "INVALID_PARAMETER_VALUE", message);
export const invalidState = (message: string): ServiceError =>
  new ServiceError(400, "INVALID_STATE", message);
export const malformedRequest = (message: string): ServiceError =>
  new ServiceError(400, "MALFORMED_REQUEST", message);
export const missingField = (path: string): ServiceError =>
  invalidParameter(`Missing required field: ${path}`);
export const notFound = (message: string): ServiceError =>
  new ServiceError(404, "RESOURCE_DOES_NOT_EXIST", message);
export const alreadyExists = (message: string): ServiceError =>
  new ServiceError(409, "RESOURCE_ALREADY_EXISTS", message);

/** Human description of a JSON value's type, for messages ("number 1024", "string \"0\""). */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") return "object";
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}
