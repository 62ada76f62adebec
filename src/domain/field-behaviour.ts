/**
 * How the real Jobs API 2.2 treats each job-settings field, as data: one row per behaviour, each with its source.
 * Read by the normaliser (normalize.ts), the diff (diff.ts) and the local workspace (src/dev/local-workspace), so
 * the planner and our test double agree on what the service fills in, drops, reorders and lowercases. Pure data.
 *
 * Paths: dotted field names; `[*]` is any array element; a final `.*` is any member of an object. Two macros keep
 * the table short: `<task>` is a task at any depth (`tasks[*]`, `tasks[*].for_each_task.task`) and `<cluster>` a
 * cluster spec anywhere (`job_clusters[*].new_cluster`, `<task>.new_cluster`, and the 2.0 layout's `new_cluster`).
 *
 * Kinds:
 * - `output_only`: set by the service, never sent (ignored on compare). `scope: "job"` rows are beside `settings`.
 * - `input_only`: accepted on write, never returned (dropped before compare).
 * - `server_default`: filled in when absent. `value` is the default: a literal (equal values are dropped on both
 *   sides, so writing the default or leaving it out compare equal, and a contradicting value is a diff), `"any"`
 *   (the service picks a value: not a diff unless the requirement names the field), or `"creator"` (the job's
 *   creator as `{user_name}`). `fill` is what the local workspace stores when absent (default: `value`); `when`
 *   names the condition under which the service fills it; `explicit` rows are written into the canonical form
 *   instead of dropped (so a change of the condition shows up on every field it affects).
 * - `unordered`: an array whose order the service does not keep (`key` matches entries; none = compared as a set),
 *   or an object map (`map: true`). `readOrder` is how the local workspace returns it.
 * - `case_insensitive`: compared in canonical casing (`canonical` lists the spellings).
 * - `secret_bearing`: may carry a credential; never shown in plain text (see domain/secrets.ts for the detector).
 * - `meaningful_when_empty`: `{}` means something (kept when empty values are pruned).
 */

export type Condition =
  | "always"
  | "aws"
  | "azure"
  | "gcp"
  | "classic"
  | "no_autoscale"
  | "git_source"
  | "no_git_source"
  | "created_with_2_2"
  | "single_user"
  | "node_type"
  | "photon"
  | "not_photon";

export type FieldBehaviour =
  | { path: string; kind: "output_only"; scope: "job" | "settings"; fill?: unknown; source: string }
  | { path: string; kind: "input_only"; source: string }
  | {
      path: string;
      kind: "server_default";
      value: unknown;
      fill?: unknown;
      when?: Condition;
      explicit?: boolean;
      source: string;
    }
  | {
      path: string;
      kind: "unordered";
      key?: string | readonly string[];
      map?: boolean;
      readOrder: "sorted" | "reversed";
      source: string;
    }
  | { path: string; kind: "case_insensitive"; canonical: readonly string[]; source: string }
  | { path: string; kind: "secret_bearing"; source: string }
  | { path: string; kind: "meaningful_when_empty"; source: string };

const TF_JOB = "databricks/terraform-provider-databricks jobs/resource_job.go (684f4424) CustomizeSchema";
const TF_CLUSTER =
  "databricks/terraform-provider-databricks clusters/resource_cluster.go (684f4424) ClusterSpec.CustomizeSchema";
const DAB = "databricks/cli bundle/direct/dresources/resources.yml (7bbe2852) jobs";
const DAB_JOB_GO = "databricks/cli bundle/direct/dresources/job.go (7bbe2852) KeyedSlices";
const CLOUD_SAMPLE =
  "databricks/cli acceptance/bundle/resources/jobs/remote_matches_config/out.plan.direct.json (7bbe2852): jobs/get remote_state";
const TESTSERVER = "databricks/cli libs/testserver/jobs.go (7bbe2852) jobFixUps";
const SDK_JOBS = "@databricks/sdk-experimental dist/apis/jobs/model.d.ts";
const SDK_COMPUTE = "@databricks/sdk-experimental dist/apis/compute/model.d.ts";
const API_22 =
  "https://docs.databricks.com/reference/jobs-api-updates.html (Updating from Jobs API 2.1 to 2.2)";

/** The table. Order does not matter; every row names its source. */
export const FIELD_BEHAVIOURS: readonly FieldBehaviour[] = [
  // --- output-only: beside settings in jobs/get, or inside settings but ignored on write
  { path: "job_id", kind: "output_only", scope: "job", source: `${SDK_JOBS} Job.job_id` },
  { path: "created_time", kind: "output_only", scope: "job", source: `${SDK_JOBS} Job.created_time` },
  {
    path: "creator_user_name",
    kind: "output_only",
    scope: "job",
    source: `${SDK_JOBS} Job.creator_user_name`,
  },
  { path: "run_as_user_name", kind: "output_only", scope: "job", source: `${SDK_JOBS} Job.run_as_user_name` },
  {
    path: "format",
    kind: "output_only",
    scope: "settings",
    fill: "MULTI_TASK",
    source: `${SDK_JOBS} JobSettings.format ("ignored in Create/Update/Reset"); ${TF_JOB} format SetComputed`,
  },
  {
    path: "git_source.git_snapshot",
    kind: "output_only",
    scope: "settings",
    source: `${SDK_JOBS} GitSource.git_snapshot ("Read-only ... only included on job runs")`,
  },
  // --- input-only
  {
    path: "<cluster>.apply_policy_default_values",
    kind: "input_only",
    source: `${DAB} ignore_remote_changes (not_returned_by_api); ${TESTSERVER}`,
  },
  {
    path: "access_control_list",
    kind: "input_only",
    source: `${SDK_JOBS} CreateJob.access_control_list (create request only; jobs/get has no ACL)`,
  },
  // --- job-level server defaults
  {
    path: "name",
    kind: "server_default",
    value: "Untitled",
    source: `${TF_JOB} name SetDefault("Untitled")`,
  },
  { path: "timeout_seconds", kind: "server_default", value: 0, source: `${CLOUD_SAMPLE}; ${TESTSERVER}` },
  {
    path: "max_concurrent_runs",
    kind: "server_default",
    value: 1,
    source: `${TF_JOB} max_concurrent_runs SetDefault(1)`,
  },
  {
    path: "email_notifications",
    kind: "server_default",
    value: {},
    source: `${CLOUD_SAMPLE} (email_notifications: {}); ${TF_JOB} SetSuppressDiff`,
  },
  {
    path: "webhook_notifications",
    kind: "server_default",
    value: {},
    source: `${CLOUD_SAMPLE} (webhook_notifications: {}); ${TF_JOB} SetSuppressDiff`,
  },
  {
    path: "email_notifications.no_alert_for_skipped_runs",
    kind: "server_default",
    value: false,
    source: "../shared/reference/databricks-jobs-api.md §1.1.1 (real jobs/get sample)",
  },
  {
    path: "queue",
    kind: "server_default",
    value: { enabled: true },
    when: "created_with_2_2",
    source: `${API_22} "Jobs are queued by default"; ${CLOUD_SAMPLE}`,
  },
  {
    path: "run_as",
    kind: "server_default",
    value: "creator",
    source: `${TF_JOB} run_as SetComputed; ${DAB} backend_defaults run_as`,
  },
  {
    path: "schedule.pause_status",
    kind: "server_default",
    value: "UNPAUSED",
    source: `${TF_JOB} schedule.pause_status SetDefault("UNPAUSED")`,
  },
  {
    path: "trigger.pause_status",
    kind: "server_default",
    value: "UNPAUSED",
    source: `${TF_JOB} trigger.pause_status SetDefault("UNPAUSED")`,
  },
  {
    path: "continuous.pause_status",
    kind: "server_default",
    value: "UNPAUSED",
    source: `${TF_JOB} continuous.pause_status SetDefault("UNPAUSED")`,
  },
  {
    path: "notification_settings.*",
    kind: "server_default",
    value: false,
    fill: undefined,
    source: `${SDK_JOBS} JobNotificationSettings (booleans, false when unset)`,
  },
  // 2.0 single-task layout keeps task fields at the top level
  {
    path: "max_retries",
    kind: "server_default",
    value: 0,
    fill: undefined,
    source: `${SDK_JOBS} Task.max_retries ("The default behavior is to never retry")`,
  },
  {
    path: "min_retry_interval_millis",
    kind: "server_default",
    value: 0,
    fill: undefined,
    source: `${SDK_JOBS} Task.min_retry_interval_millis`,
  },
  {
    path: "retry_on_timeout",
    kind: "server_default",
    value: false,
    fill: undefined,
    source: `${TF_JOB} task.retry_on_timeout SetComputed`,
  },
  // --- task-level server defaults
  {
    path: "<task>.run_if",
    kind: "server_default",
    value: "ALL_SUCCESS",
    source: `${TF_JOB} task.run_if SetSuppressDiffWithDefault(ALL_SUCCESS); ${CLOUD_SAMPLE}`,
  },
  {
    path: "<task>.timeout_seconds",
    kind: "server_default",
    value: 0,
    source: `${CLOUD_SAMPLE}; ${TESTSERVER}`,
  },
  {
    path: "<task>.email_notifications",
    kind: "server_default",
    value: {},
    source: `${CLOUD_SAMPLE}; ${TF_JOB} task.email_notifications SetSuppressDiff`,
  },
  {
    path: "<task>.email_notifications.no_alert_for_skipped_runs",
    kind: "server_default",
    value: false,
    fill: undefined,
    source: `${SDK_JOBS} TaskEmailNotifications.no_alert_for_skipped_runs`,
  },
  {
    path: "<task>.notification_settings.*",
    kind: "server_default",
    value: false,
    fill: undefined,
    source: `${SDK_JOBS} TaskNotificationSettings (booleans, false when unset)`,
  },
  {
    path: "<task>.max_retries",
    kind: "server_default",
    value: 0,
    fill: undefined,
    source: `${SDK_JOBS} Task.max_retries`,
  },
  {
    path: "<task>.min_retry_interval_millis",
    kind: "server_default",
    value: 0,
    fill: undefined,
    source: `${SDK_JOBS} Task.min_retry_interval_millis`,
  },
  {
    path: "<task>.retry_on_timeout",
    kind: "server_default",
    value: false,
    fill: undefined,
    source: `${TF_JOB} task.retry_on_timeout SetComputed`,
  },
  {
    path: "<task>.disabled",
    kind: "server_default",
    value: false,
    fill: undefined,
    source: `${SDK_JOBS} Task.disabled`,
  },
  {
    path: "<task>.pipeline_task.full_refresh",
    kind: "server_default",
    value: false,
    fill: undefined,
    source: `${SDK_JOBS} PipelineTask.full_refresh ("If true, triggers a full refresh")`,
  },
  {
    path: "<task>.dbt_task.schema",
    kind: "server_default",
    value: "default",
    source: `${TF_JOB} task.dbt_task.schema SetDefault("default")`,
  },
  ...["notebook_task", "spark_python_task", "dbt_task", "sql_task.file"].flatMap((t): FieldBehaviour[] => [
    {
      path: `<task>.${t}.source`,
      kind: "server_default",
      value: "GIT",
      when: "git_source",
      explicit: true,
      source: `${TF_JOB} task.${t}.source SetSuppressDiff; ${SDK_JOBS} (GIT when git_source is set)`,
    },
    {
      path: `<task>.${t}.source`,
      kind: "server_default",
      value: "WORKSPACE",
      when: "no_git_source",
      explicit: true,
      source: `${CLOUD_SAMPLE} (notebook_task.source: WORKSPACE); ${DAB} backend_defaults`,
    },
  ]),
  // --- cluster specs (classic compute), including the members of partially written cloud blocks
  {
    path: "<cluster>.aws_attributes",
    kind: "server_default",
    value: "any",
    fill: {},
    when: "aws",
    source: `${TF_CLUSTER} aws_attributes SetConditionalSuppressDiff(suppressUnlessBlockDeleted); ${DAB} ignore_remote_changes (managed)`,
  },
  {
    path: "<cluster>.aws_attributes.availability",
    kind: "server_default",
    value: "any",
    fill: "SPOT_WITH_FALLBACK",
    when: "aws",
    source: `${CLOUD_SAMPLE} (availability: SPOT_WITH_FALLBACK); ${TF_CLUSTER} suppressUnlessBlockDeleted ("platform-defaulted siblings")`,
  },
  {
    path: "<cluster>.aws_attributes.zone_id",
    kind: "server_default",
    value: "any",
    fill: "us-east-1c",
    when: "aws",
    source: `${CLOUD_SAMPLE} (zone_id: us-east-1c); ${SDK_COMPUTE} AwsAttributes.zone_id`,
  },
  {
    path: "<cluster>.aws_attributes.spot_bid_price_percent",
    kind: "server_default",
    value: "any",
    fill: 100,
    when: "aws",
    source: `${SDK_COMPUTE} AwsAttributes.spot_bid_price_percent ("default value is 100")`,
  },
  {
    path: "<cluster>.aws_attributes.first_on_demand",
    kind: "server_default",
    value: "any",
    fill: 1,
    when: "aws",
    source: `${SDK_COMPUTE} AwsAttributes.first_on_demand; ${TF_CLUSTER} suppressUnlessBlockDeleted`,
  },
  {
    path: "<cluster>.aws_attributes.*",
    kind: "server_default",
    value: "any",
    when: "aws",
    source: `${TF_CLUSTER} suppressUnlessBlockDeleted: a partial block is suppressed against platform-defaulted siblings`,
  },
  {
    path: "<cluster>.azure_attributes",
    kind: "server_default",
    value: "any",
    fill: {},
    when: "azure",
    source: `${TF_CLUSTER} azure_attributes SetConditionalSuppressDiff; ${DAB} ignore_remote_changes (managed)`,
  },
  {
    path: "<cluster>.azure_attributes.availability",
    kind: "server_default",
    value: "any",
    fill: "ON_DEMAND_AZURE",
    when: "azure",
    source: `${SDK_COMPUTE} AzureAttributes.availability; ${TF_CLUSTER} suppressUnlessBlockDeleted`,
  },
  {
    path: "<cluster>.azure_attributes.first_on_demand",
    kind: "server_default",
    value: "any",
    fill: 1,
    when: "azure",
    source: `${SDK_COMPUTE} AzureAttributes.first_on_demand`,
  },
  {
    path: "<cluster>.azure_attributes.spot_bid_max_price",
    kind: "server_default",
    value: "any",
    fill: -1,
    when: "azure",
    source: `${SDK_COMPUTE} AzureAttributes.spot_bid_max_price ("-1 ... the default")`,
  },
  {
    path: "<cluster>.azure_attributes.*",
    kind: "server_default",
    value: "any",
    when: "azure",
    source: `${TF_CLUSTER} suppressUnlessBlockDeleted`,
  },
  {
    path: "<cluster>.gcp_attributes",
    kind: "server_default",
    value: "any",
    fill: {},
    when: "gcp",
    source: `${TF_CLUSTER} gcp_attributes SetConditionalSuppressDiff; ${DAB} ignore_remote_changes (managed)`,
  },
  {
    path: "<cluster>.gcp_attributes.availability",
    kind: "server_default",
    value: "any",
    fill: "ON_DEMAND_GCP",
    when: "gcp",
    source: `${SDK_COMPUTE} GcpAttributes.availability; ${TF_CLUSTER} suppressUnlessBlockDeleted`,
  },
  {
    path: "<cluster>.gcp_attributes.*",
    kind: "server_default",
    value: "any",
    when: "gcp",
    source: `${TF_CLUSTER} suppressUnlessBlockDeleted`,
  },
  {
    path: "<cluster>.data_security_mode",
    kind: "server_default",
    value: "any",
    fill: "SINGLE_USER",
    when: "classic",
    source: `${CLOUD_SAMPLE} (data_security_mode: SINGLE_USER); ${DAB} backend_defaults; ${TF_CLUSTER} DataSecurityModeDiffSuppressFunc (old set, new empty)`,
  },
  {
    path: "<cluster>.single_user_name",
    kind: "server_default",
    value: "any",
    when: "single_user",
    source:
      "databricks/cli bundle/direct/dresources/resources.yml (7bbe2852) clusters backend_defaults single_user_name (cli issue #4418)",
  },
  {
    path: "<cluster>.enable_elastic_disk",
    kind: "server_default",
    value: "any",
    fill: false,
    when: "classic",
    source: `${CLOUD_SAMPLE} (enable_elastic_disk: false); ${TF_CLUSTER} enable_elastic_disk SetComputed; ${DAB} backend_defaults`,
  },
  {
    path: "<cluster>.enable_local_disk_encryption",
    kind: "server_default",
    value: "any",
    when: "classic",
    source: `${TF_CLUSTER} enable_local_disk_encryption SetComputed; ${DAB} backend_defaults`,
  },
  {
    path: "<cluster>.runtime_engine",
    kind: "server_default",
    value: "any",
    fill: "STANDARD",
    when: "not_photon",
    source: `${SDK_COMPUTE} ClusterSpec.runtime_engine ("defaults to standard unless the spark_version contains -photon-")`,
  },
  {
    path: "<cluster>.runtime_engine",
    kind: "server_default",
    value: "any",
    fill: "PHOTON",
    when: "photon",
    source: `${SDK_COMPUTE} ClusterSpec.runtime_engine ("... in which case Photon will be used")`,
  },
  {
    path: "<cluster>.driver_node_type_id",
    kind: "server_default",
    value: "any",
    when: "node_type",
    source: `${TF_CLUSTER} driver_node_type_id SetComputed; ${SDK_COMPUTE} ("the same value as node_type_id")`,
  },
  {
    path: "<cluster>.node_type_id",
    kind: "server_default",
    value: "any",
    fill: undefined,
    source: `${TF_CLUSTER} node_type_id SetComputed (from the instance pool or policy)`,
  },
  {
    path: "<cluster>.driver_instance_pool_id",
    kind: "server_default",
    value: "any",
    fill: undefined,
    source: `${TF_CLUSTER} driver_instance_pool_id SetComputed`,
  },
  {
    path: "<cluster>.num_workers",
    kind: "server_default",
    value: 0,
    when: "no_autoscale",
    source: `${TF_CLUSTER} num_workers SetDefault(0)`,
  },
  // --- unordered arrays and maps
  {
    path: "tasks",
    kind: "unordered",
    key: "task_key",
    readOrder: "sorted",
    source: `${DAB_JOB_GO} tasks by task_key; databricks/terraform-provider-databricks jobs/resource_job.go sortTasksByKey`,
  },
  {
    path: "job_clusters",
    kind: "unordered",
    key: "job_cluster_key",
    readOrder: "reversed",
    source: `${DAB_JOB_GO} job_clusters by job_cluster_key`,
  },
  {
    path: "parameters",
    kind: "unordered",
    key: "name",
    readOrder: "reversed",
    source: `${DAB_JOB_GO} parameters by name`,
  },
  {
    path: "environments",
    kind: "unordered",
    key: "environment_key",
    readOrder: "reversed",
    source: `${DAB_JOB_GO} environments by environment_key`,
  },
  {
    path: "<task>.depends_on",
    kind: "unordered",
    key: ["task_key", "outcome"],
    readOrder: "sorted",
    source: `${DAB_JOB_GO} tasks[*].depends_on by task_key; ${TESTSERVER} ("Sort depends_on by task_key to simulate the real API")`,
  },
  {
    path: "<task>.libraries",
    kind: "unordered",
    readOrder: "reversed",
    source: `${TF_CLUSTER} library Schema.Set (a set, hashed per library)`,
  },
  {
    path: "email_notifications.*",
    kind: "unordered",
    readOrder: "reversed",
    source: `${TF_JOB} email_notifications SetSuppressDiff (lists of recipients)`,
  },
  {
    path: "<task>.email_notifications.*",
    kind: "unordered",
    readOrder: "reversed",
    source: `${TF_JOB} task.email_notifications SetSuppressDiff`,
  },
  {
    path: "webhook_notifications.*",
    kind: "unordered",
    key: "id",
    readOrder: "reversed",
    source: `${DAB_JOB_GO} ("The Jobs API returns webhook_notifications.on_* in an arbitrary order"); ${TF_JOB} sortWebhookNotifications`,
  },
  {
    path: "<task>.webhook_notifications.*",
    kind: "unordered",
    key: "id",
    readOrder: "reversed",
    source: `${DAB_JOB_GO} webhookNotificationParents`,
  },
  {
    path: "health.rules",
    kind: "unordered",
    readOrder: "reversed",
    source: `${SDK_JOBS} JobsHealthRules.rules (a list of independent rules)`,
  },
  {
    path: "<task>.health.rules",
    kind: "unordered",
    readOrder: "reversed",
    source: `${SDK_JOBS} JobsHealthRules.rules`,
  },
  {
    path: "trigger.table_update.table_names",
    kind: "unordered",
    readOrder: "reversed",
    source: `${SDK_JOBS} TableUpdateTriggerConfiguration.table_names (a set of tables)`,
  },
  {
    path: "tags",
    kind: "unordered",
    map: true,
    readOrder: "reversed",
    source: `${SDK_JOBS} JobSettings.tags (a map)`,
  },
  {
    path: "<cluster>.custom_tags",
    kind: "unordered",
    map: true,
    readOrder: "reversed",
    source: `${SDK_COMPUTE} ClusterSpec.custom_tags (a map)`,
  },
  {
    path: "<cluster>.spark_conf",
    kind: "unordered",
    map: true,
    readOrder: "reversed",
    source: `${SDK_COMPUTE} ClusterSpec.spark_conf (a map)`,
  },
  {
    path: "<cluster>.spark_env_vars",
    kind: "unordered",
    map: true,
    readOrder: "reversed",
    source: `${SDK_COMPUTE} ClusterSpec.spark_env_vars (a map)`,
  },
  // --- case-insensitive values
  {
    path: "git_source.git_provider",
    kind: "case_insensitive",
    canonical: [
      "gitHub",
      "bitbucketCloud",
      "azureDevOpsServices",
      "gitHubEnterprise",
      "bitbucketServer",
      "gitLab",
      "gitLabEnterpriseEdition",
      "awsCodeCommit",
    ],
    source: `${SDK_JOBS} GitSource.git_provider ("The value is case insensitive")`,
  },
  // --- secret-bearing
  {
    path: "<cluster>.docker_image.basic_auth.password",
    kind: "secret_bearing",
    source: `${TF_CLUSTER} docker_image.basic_auth.password SetSensitive`,
  },
  {
    path: "<cluster>.spark_env_vars.*",
    kind: "secret_bearing",
    source: `${SDK_COMPUTE} ClusterSpec.spark_env_vars (secrets belong in {{secrets/scope/key}} references)`,
  },
  {
    path: "<cluster>.spark_conf.*",
    kind: "secret_bearing",
    source: `${SDK_COMPUTE} ClusterSpec.spark_conf (credentials such as fs.azure.account.key)`,
  },
  {
    path: "parameters[*].default",
    kind: "secret_bearing",
    source: `${SDK_JOBS} JobParameterDefinition.default (visible to every reader of the job)`,
  },
  {
    path: "<task>.notebook_task.base_parameters.*",
    kind: "secret_bearing",
    source: `${SDK_JOBS} NotebookTask.base_parameters`,
  },
  {
    path: "git_source.git_url",
    kind: "secret_bearing",
    source: `${SDK_JOBS} GitSource.git_url (a URL may carry user:token@)`,
  },
  // --- objects whose empty value `{}` means something
  ...[
    "continuous",
    "git_source",
    "<cluster>",
    "<cluster>.autoscale",
    "trigger.periodic",
    "trigger.file_arrival",
    "trigger.table_update",
    "environments[*].spec",
  ].map((path): FieldBehaviour => ({
    path,
    kind: "meaningful_when_empty",
    source: `${SDK_JOBS} (presence selects the behaviour, e.g. continuous: {} = run continuously)`,
  })),
  {
    path: "<task>.*_task",
    kind: "meaningful_when_empty",
    source: `${SDK_JOBS} Task (the task-type object selects the task type)`,
  },
  {
    path: "*_task",
    kind: "meaningful_when_empty",
    source: `${SDK_JOBS} JobSettings (Jobs 2.0 single-task layout: the task-type object at the top level)`,
  },
];

/** Jobs API 2.2 pages these arrays at 100 elements on jobs/get (next_page_token); jobs/list returns tasks and
 * job_clusters only with expand_tasks=true. Sources: API_22 above and https://docs.databricks.com/api/workspace/jobs/get. */
export const PAGED_ARRAYS = ["tasks", "job_clusters", "environments", "parameters"] as const;
export const PAGE_SIZE = 100;
export const LIST_EXPANDED_ARRAYS = ["tasks", "job_clusters"] as const;
