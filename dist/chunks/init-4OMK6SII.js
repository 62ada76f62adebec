#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a as t}from"./chunk-MSXVNZMT.js";import{existsSync as d}from"node:fs";import{mkdir as c,readFile as h,writeFile as u}from"node:fs/promises";import{dirname as l,join as s}from"node:path";var b="jobagent.yml",m=".github/workflows/jobagent.yml",f="example-daily-report.md";function g(e,i){return`# jobagent configuration (written by \`jobagent init\`; see the README).
# project: the repository identity recorded in the ownership tags of every job this repository manages.
${e?`project: ${e}`:"# project: <owner>/<name>   # set it: no origin remote or GITHUB_REPOSITORY was found, and apply refuses without it"}
# jobs_dir: the directory of the requirement files (task files live in <jobs_dir>/.tasks/).
jobs_dir: ${i}
`}t(g,"configText");function k(){return`---
title: Example daily report (written by jobagent init; edit or delete it)
job:
  name: example-daily-report
  tags: {team: data}
  schedule:
    quartz_cron_expression: "0 0 7 * * ?"
    timezone_id: UTC
  tasks:
    - task_key: report
      notebook_task:
        notebook_path: /Shared/etl/report
---
# Example daily report

Runs the report notebook every day at 07:00 UTC. Change the notebook path to one in your workspace, or describe the
job in words below the front matter instead (see docs/requirements.md).
`}t(k,"exampleText");function w(e){return`# Written by \`jobagent init\`. Pull requests that touch ${e}/ get a plan as a sticky comment; the merge applies it.
name: Databricks jobs

on:
  pull_request:
    types: [opened, synchronize, reopened]
    paths: ["${e}/**"]
  push:
    branches: [main]
    paths: ["${e}/**"]
  workflow_dispatch:

permissions:
  contents: write # commit task files and progress back
  pull-requests: write # the sticky plan comment
  # id-token: write    # OIDC workload identity federation instead of a token

concurrency:
  group: jobagent-\${{ github.head_ref || github.ref }}
  cancel-in-progress: false

jobs:
  jobagent:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v5
        with:
          ref: \${{ github.head_ref }}
          fetch-depth: 0
      - uses: databricks-job-agent/jobagent@v1 # pin by commit SHA for stricter supply-chain control
        with:
          jobs-dir: ${e}
          databricks-host: \${{ vars.DATABRICKS_HOST }}
          databricks-token: \${{ secrets.DATABRICKS_TOKEN }} # remove for OIDC (then set id-token: write)
`}t(w,"workflowText");async function T(e){if(e.args.length>0)throw e.usage("usage: jobagent init [--force] [--jobs-dir DIR] [--repo OWNER/NAME]");let i=e.values.force===!0,n=await e.repoIdentity(),a=[{path:b,text:g(n,e.jobsDir)},{path:s(e.jobsDir,f).split("\\").join("/"),text:k()},{path:m,text:w(e.jobsDir)}];for(let o of a){let r=s(e.repoDir,o.path);if(d(r)&&!i){let p=await h(r,"utf8")===o.text;e.out(`kept    ${o.path}${p?" (up to date)":" (exists; --force overwrites it)"}`);continue}await c(l(r),{recursive:!0}),await u(r,o.text),e.out(`wrote   ${o.path}`)}return e.out(y(n)),0}t(T,"runInit");function y(e){return`
Project: ${e} (recorded in the ownership tags of the jobs this repository manages)
Next:
  1. jobagent validate       check the requirements (no workspace: the embedded local one)
  2. jobagent plan           see what would change; DATABRICKS_HOST / DATABRICKS_TOKEN select a real workspace
  3. In GitHub, set the repository variable DATABRICKS_HOST and the secret DATABRICKS_TOKEN
     (or, for OIDC workload identity federation, drop databricks-token, add 'id-token: write' and set
     databricks-client-id to the service principal whose federation policy accepts this repository).
  4. jobagent import --job-id N   adopt an existing job as a requirement file`}t(y,"nextSteps");export{b as CONFIG_FILE,f as EXAMPLE_NAME,m as WORKFLOW_FILE,g as configText,k as exampleText,T as runInit,w as workflowText};
