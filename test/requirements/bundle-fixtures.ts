// Bundle fixtures written the way real projects write them (bundle init templates, mlops-stacks, team repos), each
// with the settings `databricks bundle deploy` would send for the job named in `expect`.
export interface Fixture {
  name: string;
  files: Record<string, string>;
  target?: string;
  env?: Record<string, string>;
  expect: Record<string, unknown>;
  /** Bundle jobs the job runs (run_job_task → ${resources.jobs.<key>.id}). */
  runs?: Record<string, string[]>;
}

const USER = "jane.doe@example.com";
const ROOT = (name: string, target: string) => `/Workspace/Users/${USER}/.bundle/${name}/${target}`;

export const FIXTURES: Fixture[] = [
  {
    name: "default-python template: include glob, dev target in development mode, relative notebook",
    files: {
      "databricks.yml": `bundle:\n  name: my_project\ninclude:\n  - resources/*.yml\ntargets:\n  dev:\n    mode: development\n    default: true\n    workspace:\n      host: https://adb-1.azuredatabricks.net\n  prod:\n    mode: production\n`,
      "resources/my_project.job.yml": `resources:\n  jobs:\n    my_project_job:\n      name: my_project_job\n      trigger:\n        periodic:\n          interval: 1\n          unit: DAYS\n      email_notifications:\n        on_failure: [${USER}]\n      tasks:\n        - task_key: notebook_task\n          job_cluster_key: job_cluster\n          notebook_task:\n            notebook_path: ../src/notebook.ipynb\n      job_clusters:\n        - job_cluster_key: job_cluster\n          new_cluster:\n            spark_version: 15.4.x-scala2.12\n            node_type_id: i3.xlarge\n            autoscale: {min_workers: 1, max_workers: 4}\n`,
    },
    expect: {
      name: "[dev jane_doe] my_project_job",
      tags: { dev: "jane_doe" },
      max_concurrent_runs: 4,
      trigger: { periodic: { interval: 1, unit: "DAYS" }, pause_status: "PAUSED" },
      email_notifications: { on_failure: [USER] },
      tasks: [
        {
          task_key: "notebook_task",
          job_cluster_key: "job_cluster",
          notebook_task: { notebook_path: `${ROOT("my_project", "dev")}/files/src/notebook` },
        },
      ],
      job_clusters: [
        {
          job_cluster_key: "job_cluster",
          new_cluster: {
            spark_version: "15.4.x-scala2.12",
            node_type_id: "i3.xlarge",
            autoscale: { min_workers: 1, max_workers: 4 },
          },
        },
      ],
    },
  },
  {
    name: "prod target selected with --target: no development presets, variables from the target",
    target: "prod",
    files: {
      "databricks.yml": `bundle:\n  name: sales\nvariables:\n  catalog:\n    description: catalog to write to\n    default: dev_catalog\n  notify:\n    default: dev@example.com\nresources:\n  jobs:\n    refresh:\n      name: sales-refresh-\${bundle.target}\n      schedule:\n        quartz_cron_expression: "0 0 6 * * ?"\n        timezone_id: Europe/Berlin\n      email_notifications:\n        on_failure: ["\${var.notify}"]\n      tasks:\n        - task_key: refresh\n          notebook_task:\n            notebook_path: /Shared/etl/ingest\n            base_parameters:\n              catalog: \${var.catalog}\ntargets:\n  dev:\n    default: true\n    mode: development\n  prod:\n    mode: production\n    variables:\n      catalog: prod_catalog\n      notify: oncall@example.com\n`,
    },
    expect: {
      name: "sales-refresh-prod",
      schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "Europe/Berlin" },
      email_notifications: { on_failure: ["oncall@example.com"] },
      tasks: [
        {
          task_key: "refresh",
          notebook_task: {
            notebook_path: "/Shared/etl/ingest",
            base_parameters: { catalog: "prod_catalog" },
          },
        },
      ],
    },
  },
  {
    name: "target overrides merge tasks by task_key and job_clusters by key; other fields replaced",
    target: "staging",
    files: {
      "databricks.yml": `bundle: {name: etl}\nresources:\n  jobs:\n    nightly:\n      name: nightly\n      max_concurrent_runs: 1\n      tags: {team: data}\n      job_clusters:\n        - job_cluster_key: main\n          new_cluster: {spark_version: 15.4.x-scala2.12, node_type_id: i3.xlarge, num_workers: 2}\n      tasks:\n        - task_key: ingest\n          job_cluster_key: main\n          notebook_task: {notebook_path: /Shared/etl/ingest}\n        - task_key: transform\n          depends_on: [{task_key: ingest}]\n          job_cluster_key: main\n          notebook_task: {notebook_path: /Shared/etl/transform}\ntargets:\n  staging:\n    resources:\n      jobs:\n        nightly:\n          tags: {env: staging}\n          job_clusters:\n            - job_cluster_key: main\n              new_cluster: {num_workers: 8}\n          tasks:\n            - task_key: transform\n              max_retries: 2\n            - task_key: report\n              depends_on: [{task_key: transform}]\n              notebook_task: {notebook_path: /Shared/etl/report}\n`,
    },
    expect: {
      name: "nightly",
      max_concurrent_runs: 1,
      tags: { team: "data", env: "staging" },
      job_clusters: [
        {
          job_cluster_key: "main",
          new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 8 },
        },
      ],
      tasks: [
        {
          task_key: "ingest",
          job_cluster_key: "main",
          notebook_task: { notebook_path: "/Shared/etl/ingest" },
        },
        {
          task_key: "transform",
          depends_on: [{ task_key: "ingest" }],
          job_cluster_key: "main",
          notebook_task: { notebook_path: "/Shared/etl/transform" },
          max_retries: 2,
        },
        {
          task_key: "report",
          depends_on: [{ task_key: "transform" }],
          notebook_task: { notebook_path: "/Shared/etl/report" },
        },
      ],
    },
  },
  {
    name: "complex variable holding a whole cluster spec, and one field of it in a string",
    files: {
      "databricks.yml": `bundle: {name: ml}\nvariables:\n  cluster:\n    type: complex\n    default:\n      spark_version: 15.4.x-cpu-ml-scala2.12\n      node_type_id: i3.xlarge\n      num_workers: 2\nresources:\n  jobs:\n    train:\n      name: train on \${var.cluster.node_type_id}\n      job_clusters:\n        - job_cluster_key: ml\n          new_cluster: \${var.cluster}\n      tasks:\n        - task_key: train\n          job_cluster_key: ml\n          spark_python_task:\n            python_file: ./src/train.py\n`,
    },
    expect: {
      name: "train on i3.xlarge",
      job_clusters: [
        {
          job_cluster_key: "ml",
          new_cluster: {
            spark_version: "15.4.x-cpu-ml-scala2.12",
            node_type_id: "i3.xlarge",
            num_workers: 2,
          },
        },
      ],
      tasks: [
        {
          task_key: "train",
          job_cluster_key: "ml",
          spark_python_task: { python_file: `${ROOT("ml", "default")}/files/src/train.py` },
        },
      ],
    },
  },
  {
    name: "job that runs another bundle job through ${resources.jobs.<key>.id}",
    files: {
      "databricks.yml": `bundle: {name: chain}\ninclude: ["resources/*.yml"]\n`,
      "resources/ingest.yml": `resources:\n  jobs:\n    ingest:\n      name: ingest\n      tasks:\n        - task_key: load\n          notebook_task: {notebook_path: /Shared/etl/ingest}\n`,
      "resources/orchestrate.yml": `resources:\n  jobs:\n    orchestrate:\n      name: orchestrate\n      tasks:\n        - task_key: run_ingest\n          run_job_task:\n            job_id: \${resources.jobs.ingest.id}\n            job_parameters: {day: "{{job.start_time.iso_date}}"}\n`,
    },
    expect: {
      name: "orchestrate",
      tasks: [
        { task_key: "run_ingest", run_job_task: { job_parameters: { day: "{{job.start_time.iso_date}}" } } },
      ],
    },
    runs: { orchestrate: ["ingest"] },
  },
  {
    name: "workspace paths in parameters and a custom root_path built from references",
    files: {
      "databricks.yml": `bundle: {name: reports}\nworkspace:\n  root_path: /Workspace/Shared/.bundle/\${bundle.name}/\${bundle.target}\nresources:\n  jobs:\n    daily:\n      name: daily report\n      parameters:\n        - {name: out_dir, default: "\${workspace.file_path}/out"}\n        - {name: owner, default: "\${workspace.current_user.userName}"}\n      tasks:\n        - task_key: report\n          notebook_task: {notebook_path: ./notebooks/report.py}\ntargets:\n  qa: {default: true}\n`,
    },
    expect: {
      name: "daily report",
      parameters: [
        { name: "out_dir", default: "/Workspace/Shared/.bundle/reports/qa/files/out" },
        { name: "owner", default: USER },
      ],
      tasks: [
        {
          task_key: "report",
          notebook_task: { notebook_path: "/Workspace/Shared/.bundle/reports/qa/files/notebooks/report" },
        },
      ],
    },
  },
  {
    name: "variable given in the environment (BUNDLE_VAR_name) wins over its default",
    env: { BUNDLE_VAR_warehouse: "0f1e2d3c4b5a6978" },
    files: {
      "databricks.yml": `bundle: {name: bi}\nvariables:\n  warehouse: {default: a1b2c3d4e5f60718}\nresources:\n  jobs:\n    dash:\n      name: dashboards\n      tasks:\n        - task_key: refresh\n          sql_task:\n            warehouse_id: \${var.warehouse}\n            file: {path: sql/refresh.sql}\n`,
    },
    expect: {
      name: "dashboards",
      tasks: [
        {
          task_key: "refresh",
          sql_task: {
            warehouse_id: "0f1e2d3c4b5a6978",
            file: { path: `${ROOT("bi", "default")}/files/sql/refresh.sql` },
          },
        },
      ],
    },
  },
  {
    name: "git_source job: paths stay repo-relative; top-level permissions and target run_as apply to the job",
    target: "prod",
    files: {
      "databricks.yml": `bundle: {name: gitjobs}\npermissions:\n  - {level: CAN_VIEW, group_name: users}\nresources:\n  jobs:\n    from_git:\n      name: from git\n      git_source: {git_url: "https://github.com/acme/etl", git_provider: gitHub, git_branch: main}\n      permissions:\n        - {level: CAN_MANAGE_RUN, group_name: data-eng}\n      tasks:\n        - task_key: t\n          notebook_task: {notebook_path: notebooks/etl}\ntargets:\n  prod:\n    run_as: {service_principal_name: 9f0c7a1e-0000-4000-8000-000000000001}\n`,
    },
    expect: {
      name: "from git",
      git_source: { git_url: "https://github.com/acme/etl", git_provider: "gitHub", git_branch: "main" },
      permissions: [
        { level: "CAN_MANAGE_RUN", group_name: "data-eng" },
        { level: "CAN_VIEW", group_name: "users" },
      ],
      run_as: { service_principal_name: "9f0c7a1e-0000-4000-8000-000000000001" },
      tasks: [{ task_key: "t", notebook_task: { notebook_path: "notebooks/etl" } }],
    },
  },
  {
    name: "development mode keeps an explicit UNPAUSED schedule and an explicit max_concurrent_runs",
    files: {
      "databricks.yml": `bundle: {name: dev_demo}\ntargets:\n  dev: {mode: development}\nresources:\n  jobs:\n    keep:\n      name: keep running\n      max_concurrent_runs: 1\n      tags: {team: ops}\n      schedule: {quartz_cron_expression: "0 0 * * * ?", timezone_id: UTC, pause_status: UNPAUSED}\n      tasks:\n        - {task_key: t, notebook_task: {notebook_path: /Shared/etl/report}}\n`,
    },
    expect: {
      name: "[dev jane_doe] keep running",
      max_concurrent_runs: 1,
      tags: { team: "ops", dev: "jane_doe" },
      schedule: { quartz_cron_expression: "0 0 * * * ?", timezone_id: "UTC", pause_status: "UNPAUSED" },
      tasks: [{ task_key: "t", notebook_task: { notebook_path: "/Shared/etl/report" } }],
    },
  },
  {
    name: "mlops-stacks layout: resources in a sub-folder, notebook relative to that folder, for_each_task",
    files: {
      "databricks.yml": `bundle: {name: mlops}\ninclude:\n  - ./resources/**/*.yml\nvariables:\n  experiment_name: {default: /dev-mlops-experiment}\ntargets:\n  test: {default: true}\n`,
      "resources/training/model-workflow-resource.yml": `resources:\n  jobs:\n    model_training_job:\n      name: \${bundle.target}-mlops-model-training-job\n      tasks:\n        - task_key: Train\n          for_each_task:\n            inputs: '["a","b"]'\n            task:\n              task_key: train_one\n              notebook_task:\n                notebook_path: ../../training/notebooks/Train.py\n                base_parameters:\n                  experiment_name: \${var.experiment_name}\n                  env: \${bundle.target}\n`,
    },
    expect: {
      name: "test-mlops-model-training-job",
      tasks: [
        {
          task_key: "Train",
          for_each_task: {
            inputs: '["a","b"]',
            task: {
              task_key: "train_one",
              notebook_task: {
                notebook_path: `${ROOT("mlops", "test")}/files/training/notebooks/Train`,
                base_parameters: { experiment_name: "/dev-mlops-experiment", env: "test" },
              },
            },
          },
        },
      ],
    },
  },
  {
    name: "YAML anchors and `<<` merge keys (as mlops-stacks writes its permissions): merged, not kept as a key",
    files: {
      "databricks.yml": `bundle:\n  name: merged\ndefinitions:\n  cluster: &cluster\n    spark_version: 15.4.x-scala2.12\n    node_type_id: i3.xlarge\ncommon_permissions: &permissions\n  permissions:\n    - level: CAN_VIEW\n      group_name: users\nresources:\n  jobs:\n    nightly:\n      name: nightly\n      job_clusters:\n        - job_cluster_key: small\n          new_cluster:\n            <<: *cluster\n            num_workers: 2\n        - job_cluster_key: big\n          new_cluster:\n            <<: *cluster\n            num_workers: 8\n      tasks:\n        - task_key: a\n          job_cluster_key: small\n          notebook_task: {notebook_path: /Shared/etl/a}\n        - task_key: b\n          job_cluster_key: big\n          depends_on: [{task_key: a}]\n          notebook_task: {notebook_path: /Shared/etl/b}\n      <<: *permissions\ntargets:\n  prod:\n    default: true\n`,
    },
    expect: {
      name: "nightly",
      job_clusters: [
        {
          job_cluster_key: "small",
          new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 2 },
        },
        {
          job_cluster_key: "big",
          new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 8 },
        },
      ],
      tasks: [
        { task_key: "a", job_cluster_key: "small", notebook_task: { notebook_path: "/Shared/etl/a" } },
        {
          task_key: "b",
          job_cluster_key: "big",
          depends_on: [{ task_key: "a" }],
          notebook_task: { notebook_path: "/Shared/etl/b" },
        },
      ],
      // the bundle's form, as the reader keeps it (the requirement turns it into access_control_list)
      permissions: [{ level: "CAN_VIEW", group_name: "users" }],
    },
  },
];

export const BUNDLE_USER = USER;
