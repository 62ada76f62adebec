/**
 * The few Databricks SDK services this adapter calls, imported from their own modules. The SDK's WorkspaceClient
 * constructs all ~200 services and its root module re-exports every API, which put 2.2 MB into the bundles;
 * importing the services by path keeps the official SDK (same ApiClient, auth, error parsing) at a fraction of it.
 */
import { ApiClient, type ClientOptions } from "@databricks/sdk-experimental/dist/api-client.js";
import { JobsService } from "@databricks/sdk-experimental/dist/apis/jobs/api.js";
import { ClustersService } from "@databricks/sdk-experimental/dist/apis/compute/api.js";
import { PipelinesService } from "@databricks/sdk-experimental/dist/apis/pipelines/api.js";
import { WorkspaceService } from "@databricks/sdk-experimental/dist/apis/workspace/api.js";
import type { Config } from "@databricks/sdk-experimental/dist/config/Config.js";

export { ApiError } from "@databricks/sdk-experimental/dist/apierr.js";
export { Config } from "@databricks/sdk-experimental/dist/config/Config.js";
export { Context, type ContextItems } from "@databricks/sdk-experimental/dist/context/Context.js";

export interface SdkClient {
  apiClient: ApiClient;
  jobs: JobsService;
  clusters: ClustersService;
  pipelines: PipelinesService;
  workspace: WorkspaceService;
}

/** What `new WorkspaceClient(config, options)` gives for the services used here. */
export function createSdkClient(config: Config, options: ClientOptions): SdkClient {
  const apiClient = new ApiClient(config, options);
  return {
    apiClient,
    jobs: new JobsService(apiClient),
    clusters: new ClustersService(apiClient),
    pipelines: new PipelinesService(apiClient),
    workspace: new WorkspaceService(apiClient),
  };
}
