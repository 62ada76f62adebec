/**
 * CONTRACT STUB (owned by the local-workspace helper; replace the body, keep the signature).
 */
import type { Workspace } from "./port.js";

export interface SdkWorkspaceOptions {
  host: string;
  token: string;
  /** Upper bound on retries for one call (retriable failures). */
  maxRetries?: number;
  /** Overall time budget for one call including retries (ms). */
  timeoutMs?: number;
}

export function createSdkWorkspace(options: SdkWorkspaceOptions): Workspace {
  void options;
  throw new Error("not implemented");
}
