/** Jobs API vocabularies shared by the schema, the service rules, normalisation and rendering. */

/** Every task type field of a Jobs API 2.2 task (a task has exactly one). */
export const TASK_TYPES = [
  "notebook_task",
  "spark_python_task",
  "python_wheel_task",
  "spark_jar_task",
  "spark_submit_task",
  "pipeline_task",
  "run_job_task",
  "sql_task",
  "dbt_task",
  "condition_task",
  "for_each_task",
  "dashboard_task",
  "clean_rooms_notebook_task",
  "power_bi_task",
  "alert_task",
  "gen_ai_compute_task",
  "dbt_cloud_task",
  "dbt_platform_task",
] as const;

/** git_source.git_provider values (the API compares them case-insensitively). */
export const GIT_PROVIDERS = [
  "gitHub",
  "bitbucketCloud",
  "azureDevOpsServices",
  "gitHubEnterprise",
  "bitbucketServer",
  "gitLab",
  "gitLabEnterpriseEdition",
  "awsCodeCommit",
];
