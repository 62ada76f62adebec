/**
 * Databricks credentials for the run: the token input (or DATABRICKS_TOKEN), else GitHub OIDC workload identity
 * federation — the workflow's ID token exchanged at `<host>/oidc/v1/token` for a short-lived Databricks token.
 * The exchanged token is registered as a secret before it is returned.
 */
import { ConfigurationError } from "./errors.js";

export interface DatabricksAuthInput {
  host: string;
  token?: string;
  /** Service principal application id the federation policy belongs to (omit for account-wide policies). */
  clientId?: string;
  /** ID token audience; undefined → GitHub's default (https://github.com/<owner>). */
  audience?: string;
}

export interface OidcDeps {
  /** @actions/core getIDToken; throws when the workflow lacks `id-token: write`. */
  getIdToken(audience?: string): Promise<string>;
  /** True when the runner offers OIDC (ACTIONS_ID_TOKEN_REQUEST_URL is set). */
  oidcAvailable: boolean;
  setSecret(value: string): void;
  fetch: typeof fetch;
}

/** The token to call the workspace with; undefined when there is neither a token nor OIDC (e.g. a fork PR). */
export async function resolveDatabricksToken(
  input: DatabricksAuthInput,
  deps: OidcDeps,
): Promise<string | undefined> {
  if (input.token) return input.token;
  if (!deps.oidcAvailable) return undefined;
  const idToken = await deps.getIdToken(input.audience);
  deps.setSecret(idToken);
  const form = new URLSearchParams({
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    subject_token: idToken,
    scope: "all-apis",
  });
  if (input.clientId) form.set("client_id", input.clientId);
  const response = await deps.fetch(`${input.host}/oidc/v1/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form,
  });
  const text = await response.text();
  if (!response.ok) {
    throw new ConfigurationError(
      `exchanging the GitHub OIDC token at ${input.host}/oidc/v1/token failed (HTTP ${response.status}: ` +
        `${text.slice(0, 200).split(idToken).join("***")}); check the service principal federation policy ` +
        `(issuer https://token.actions.githubusercontent.com, subject, audience) and the databricks-client-id input, ` +
        "or pass databricks-token",
    );
  }
  let token: unknown;
  try {
    token = (JSON.parse(text) as { access_token?: unknown }).access_token;
  } catch {
    token = undefined;
  }
  if (typeof token !== "string" || !token) {
    throw new ConfigurationError(
      `the OIDC token exchange at ${input.host}/oidc/v1/token returned no access_token`,
    );
  }
  deps.setSecret(token);
  return token;
}

/**
 * Why there is no workspace to talk to, said as the fix. In a workflow, a repository variable or secret that does
 * not exist reaches the step as an empty string, so `${{ vars.DATABRICKS_HOST }}` / `${{ secrets.DATABRICKS_TOKEN }}`
 * of the example workflow arrive empty: the message names what to create and where. `doing` ends the first
 * sentence (e.g. "nothing was planned").
 */
export function missingCredentialsMessage(
  host: string | undefined,
  doing: string,
  env: Record<string, string | undefined> = process.env,
): string {
  if (!host) {
    return (
      `no Databricks workspace: the "databricks-host" input is empty and DATABRICKS_HOST is not set, so ${doing}. ` +
      "The example workflow passes `databricks-host: ${{ vars.DATABRICKS_HOST }}`: create the repository variable " +
      "DATABRICKS_HOST (Settings → Secrets and variables → Actions → Variables) with the workspace URL, e.g. " +
      "https://adb-1234567890123456.7.azuredatabricks.net (a variable that does not exist arrives as an empty string; " +
      "if you stored the URL as a secret, pass `${{ secrets.DATABRICKS_HOST }}` instead)"
    );
  }
  const oidc = env.ACTIONS_ID_TOKEN_REQUEST_URL
    ? ""
    : ", or, for OIDC workload identity federation, add `id-token: write` under `permissions:`";
  return (
    `no Databricks token for ${host}: the "databricks-token" input is empty and DATABRICKS_TOKEN is not set, so ${doing}. ` +
    "The example workflow passes `databricks-token: ${{ secrets.DATABRICKS_TOKEN }}`: create the repository secret " +
    "DATABRICKS_TOKEN (Settings → Secrets and variables → Actions → Secrets) with a personal access token or a service " +
    `principal's token (a secret that does not exist arrives as an empty string)${oidc}`
  );
}
