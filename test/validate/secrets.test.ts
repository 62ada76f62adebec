import { describe, expect, it } from "vitest";
import { findInlineSecrets, redact } from "../../src/domain/secrets.js";
import { validateJobSettings } from "../../src/worker/validate/index.js";

const task = (extra: Record<string, unknown>) => ({
  name: "j",
  tasks: [{ task_key: "t", notebook_task: { notebook_path: "/Workspace/Shared/etl/ingest", ...extra } }],
});

describe("inline secrets", () => {
  it.each([
    [
      "Databricks PAT",
      { base_parameters: { x: "dapi0123456789abcdef0123456789abcdef" } },
      "Databricks personal access token",
    ],
    [
      "GitHub token",
      { base_parameters: { x: "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB" } },
      "GitHub token",
    ],
    [
      "fine-grained GitHub token",
      { base_parameters: { x: "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789" } },
      "GitHub token",
    ],
    ["AWS key id", { base_parameters: { x: "AKIAIOSFODNN7EXAMPLE" } }, "AWS access key id"],
    ["OpenAI key", { base_parameters: { x: "sk-proj-abcdefghijklmnopqrstuvwxyz012345" } }, "OpenAI API key"],
    ["Slack token", { base_parameters: { x: "xoxb-123456789012-abcdefghijkl" } }, "Slack token"],
    [
      "Slack webhook",
      { base_parameters: { hook: "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX" } },
      "Slack webhook URL",
    ],
    [
      "JWT",
      { base_parameters: { x: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop" } },
      "JSON Web Token",
    ],
    ["private key", { base_parameters: { key: "-----BEGIN RSA PRIVATE KEY-----\nMIIE..." } }, "private key"],
    ["password by key name", { base_parameters: { db_password: "hunter2" } }, "password or secret"],
    [
      "camelCase api key",
      { base_parameters: { partnerApiKey: "a8f5f167f44f4964e6c998dee827110c" } },
      "password or secret",
    ],
    [
      "URL with token query",
      { base_parameters: { url: "https://api.example.com/v1?token=abcdef123456" } },
      "'token' in a URL",
    ],
  ])("refuses a %s", (_label, extra, kind) => {
    const found = findInlineSecrets(task(extra));
    expect(found).toHaveLength(1);
    expect(found[0].kind).toBe(kind);
    expect(found[0].fix).toContain("{{secrets/<scope>/<key>}}");
    expect(found[0].value).not.toContain(found[0].secret);
  });

  it("finds secrets in parameter lists, job parameters, env vars and git URLs", () => {
    const settings = {
      name: "j",
      parameters: [{ name: "api_token", default: "s3cr3tValue" }],
      git_source: { git_url: "https://user:pa55word@github.com/o/r.git", git_provider: "gitHub" },
      tasks: [
        {
          task_key: "py",
          spark_python_task: {
            python_file: "/Workspace/a.py",
            parameters: ["--password", "p4ss!", "--token=abc123xyz"],
          },
          new_cluster: {
            spark_version: "15.4.x-scala2.12",
            node_type_id: "i3.xlarge",
            num_workers: 1,
            spark_env_vars: { AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
          },
        },
      ],
    };
    const paths = findInlineSecrets(settings)
      .map((f) => f.path)
      .sort();
    expect(paths).toEqual([
      "git_source.git_url",
      "parameters[api_token].default",
      "tasks[py].new_cluster.spark_env_vars.AWS_SECRET_ACCESS_KEY",
      "tasks[py].spark_python_task.parameters[1]",
      "tasks[py].spark_python_task.parameters[2]",
    ]);
  });

  it("accepts secret references, dynamic values, names of secrets and harmless keys", () => {
    const settings = task({
      base_parameters: {
        db_password: "{{secrets/prod/db_password}}",
        token: "{{job.parameters.token}}",
        secret_scope: "prod",
        kafka_secret_key: "kafka-bootstrap-servers-tls",
        max_tokens: "512",
        token_url: "https://login.example.com/oauth/token",
        password_file: "/Volumes/main/secure/pw.txt",
        api_key: "",
      },
    });
    expect(findInlineSecrets(settings)).toEqual([]);
  });

  it("validateJobSettings refuses and never echoes the secret", () => {
    const secret = "dapi0123456789abcdef0123456789abcdef";
    const diags = validateJobSettings(task({ base_parameters: { t: secret } }), { file: "jobs/x.md" });
    expect(diags.map((d) => d.code)).toEqual(["secret.inline"]);
    expect(JSON.stringify(diags)).not.toContain(secret);
  });

  it("redact() hides known secrets and well-known token formats", () => {
    const text = "token dapi0123456789abcdef0123456789abcdef and pw hunter2 at https://u:pw12345@host/x";
    const out = redact(text, ["hunter2"]);
    expect(out).not.toContain("dapi0123");
    expect(out).not.toContain("hunter2");
    expect(out).not.toContain("pw12345");
    expect(out).toContain("https://u:***@host/x");
  });
});
