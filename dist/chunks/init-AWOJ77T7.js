#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a as t}from"./chunk-MSXVNZMT.js";import{existsSync as d}from"node:fs";import{mkdir as h,readFile as l,writeFile as u}from"node:fs/promises";import{dirname as m,join as a}from"node:path";var s="jobagent.yml",b=".github/workflows/jobagent.yml",f="example-daily-report.md";function g(e,i){return`# jobagent configuration (written by \`jobagent init\`; see the README).
# project: the repository identity recorded in the ownership tags of every job this repository manages.
${e?`project: ${e}`:"# project: <owner>/<name>   # set it: no origin remote or GITHUB_REPOSITORY was found, and apply refuses without it"}
# jobs_dir: the directory of the requirement files (task files live in <jobs_dir>/.tasks/).
jobs_dir: ${i}
`}t(g,"configText");function y(){return`---
title: Example daily report (written by jobagent init; edit or delete it)
job:
  name: example-daily-report
  tags: {team: data}
  schedule:
    quartz_cron_expression: "0 0 7 * * ?"
    timezone_id: UTC
  timeout_seconds: 3600
  email_notifications:
    on_failure: [data-team@example.com]
  tasks:
    - task_key: report
      max_retries: 2
      min_retry_interval_millis: 300000
      notebook_task:
        notebook_path: /Shared/etl/report
---
# Example daily report

Runs the report notebook every day at 07:00 UTC, retries a failed run twice, stops it after an hour and mails the
data team when it fails. Change the notebook path and the address to yours, or describe the job in words below the
front matter instead, or paste a job you already have as Databricks shows it (the job page's JSON, \`databricks jobs
get\`) in a \`\`\`json block (see docs/requirements.md).
`}t(y,"exampleText");function k(e){return`# jobagent: pull requests that touch ${e}/ get a plan as a sticky comment; the merge applies it.
# /jobagent plan | apply | run <job> | unlock | help in a pull request comment; weekdays a drift check.
name: Databricks jobs

on:
  pull_request:
    types: [opened, synchronize, reopened]
    paths: ["${e}/**", "jobagent.yml"]
  push:
    branches: [main]
    paths: ["${e}/**", "jobagent.yml"]
  issue_comment: # comment commands; the action checks out the pull request's head itself
    types: [created]
  workflow_dispatch: # a drift check on demand
  schedule:
    - cron: "17 5 * * 1-5" # the drift check, weekdays 05:17 UTC

permissions:
  contents: write # commit task files and progress back; push the drift branches
  pull-requests: write # the sticky plan comment, the apply result, comment commands, the drift pull requests
  # id-token: write    # OIDC workload identity federation instead of a token

concurrency: # one run at a time per branch, never cancelled half-way
  group: jobagent-\${{ github.head_ref || github.ref }}
  cancel-in-progress: false

jobs:
  jobagent:
    if: github.event_name != 'issue_comment' || (github.event.issue.pull_request && startsWith(github.event.comment.body, '/jobagent'))
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v5
        with:
          # The pull request's head branch (not the merge commit), also when it lives in a fork.
          repository: \${{ github.event.pull_request.head.repo.full_name || github.repository }}
          ref: \${{ github.head_ref }}
          fetch-depth: 0
      - id: jobagent
        uses: databricks-job-agent/jobagent@v1 # pin by commit SHA for stricter supply-chain control
        with:
          jobs-dir: ${e}
          databricks-host: \${{ vars.DATABRICKS_HOST }}
          databricks-token: \${{ secrets.DATABRICKS_TOKEN }} # remove for OIDC (then set id-token: write)
          fail-on-drift: \${{ github.event_name == 'schedule' }}
`}t(k,"workflowText");async function v(e){if(e.args.length>0)throw e.usage("usage: jobagent init [--force] [--jobs-dir DIR] [--repo OWNER/NAME]");let i=e.values.force===!0,n=await e.repoIdentity(),p=[{path:s,text:g(n,e.jobsDir)},{path:a(e.jobsDir,f).split("\\").join("/"),text:y()},{path:b,text:k(e.jobsDir)}];for(let o of p){let r=a(e.repoDir,o.path);if(d(r)&&!i){let c=await l(r,"utf8")===o.text;e.out(`kept    ${o.path}${c?" (up to date)":" (exists; --force overwrites it)"}`);continue}await h(m(r),{recursive:!0}),await u(r,o.text),e.out(`wrote   ${o.path}`)}return e.out(w(n)),0}t(v,"runInit");function w(e){return`
${e?`Project: ${e} (recorded in the ownership tags of the jobs this repository manages)`:`Project: not known yet (no origin remote, no GITHUB_REPOSITORY): set \`project: <owner>/<name>\` in ${s}
         (it is recorded in the ownership tags of the jobs this repository manages; apply refuses without it)`}
Next:
  1. jobagent validate       check the requirements (no workspace: the embedded local one)
  2. jobagent plan           see what would change; DATABRICKS_HOST / DATABRICKS_TOKEN select a real workspace
                             (or a ~/.databrickscfg profile: --databricks-profile NAME)
  3. In GitHub, set the repository variable DATABRICKS_HOST and the secret DATABRICKS_TOKEN
     (or, for OIDC workload identity federation, drop databricks-token, add 'id-token: write' and set
     databricks-client-id to the service principal whose federation policy accepts this repository).
  4. jobagent import --job-id N   adopt an existing job as a requirement file`}t(w,"nextSteps");export{s as CONFIG_FILE,f as EXAMPLE_NAME,b as WORKFLOW_FILE,g as configText,y as exampleText,v as runInit,k as workflowText};
