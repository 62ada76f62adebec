// The GitHub OIDC → Databricks token exchange (workload identity federation) against a token endpoint served by
// nock: the form sent, the token returned and registered as a secret, and the errors when the exchange fails.
import nock from "nock";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { resolveDatabricksToken, type OidcDeps } from "../../src/action/databricks-auth.js";
import { ConfigurationError } from "../../src/action/errors.js";

const HOST = "https://adb-1234567890123456.7.azuredatabricks.net";
const ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvam9icyJ9.c2lnbmF0dXJl";

function deps(overrides: Partial<OidcDeps> = {}) {
  const secrets: string[] = [];
  const audiences: (string | undefined)[] = [];
  const value: OidcDeps = {
    getIdToken: async (audience) => {
      audiences.push(audience);
      return ID_TOKEN;
    },
    oidcAvailable: true,
    setSecret: (s) => secrets.push(s),
    fetch,
    ...overrides,
  };
  return { value, secrets, audiences };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe("resolveDatabricksToken", () => {
  it("exchanges the workflow's ID token for a Databricks token and registers both as secrets", async () => {
    let form: URLSearchParams | undefined;
    const scope = nock(HOST)
      .post("/oidc/v1/token", (body: string) => {
        form = new URLSearchParams(body);
        return true;
      })
      .matchHeader("content-type", /application\/x-www-form-urlencoded/)
      .reply(200, { access_token: "dapi-exchanged-short-lived", token_type: "Bearer", expires_in: 3600 });
    const d = deps();
    const token = await resolveDatabricksToken(
      { host: HOST, clientId: "sp-app-id", audience: "databricks" },
      d.value,
    );
    expect(token).toBe("dapi-exchanged-short-lived");
    expect(scope.isDone()).toBe(true);
    expect(Object.fromEntries(form!)).toEqual({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      subject_token: ID_TOKEN,
      scope: "all-apis",
      client_id: "sp-app-id",
    });
    expect(d.audiences).toEqual(["databricks"]);
    expect(d.secrets).toEqual([ID_TOKEN, "dapi-exchanged-short-lived"]);
  });

  it("uses a given token without calling the endpoint, and returns nothing without OIDC", async () => {
    expect(await resolveDatabricksToken({ host: HOST, token: "dapi-given" }, deps().value)).toBe(
      "dapi-given",
    );
    expect(
      await resolveDatabricksToken({ host: HOST }, deps({ oidcAvailable: false }).value),
    ).toBeUndefined();
  });

  it("explains a refused exchange without echoing the ID token", async () => {
    nock(HOST)
      .post("/oidc/v1/token")
      .reply(
        401,
        `{"error":"invalid_request","error_description":"no policy matches subject_token ${ID_TOKEN}"}`,
      );
    const error = await resolveDatabricksToken({ host: HOST }, deps().value).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain(`${HOST}/oidc/v1/token failed (HTTP 401`);
    expect(message).toContain("federation policy");
    expect(message).not.toContain(ID_TOKEN);
  });

  it("fails clearly when the endpoint answers without an access_token", async () => {
    nock(HOST).post("/oidc/v1/token").reply(200, "<html>login</html>");
    await expect(resolveDatabricksToken({ host: HOST }, deps().value)).rejects.toThrow(
      /returned no access_token/,
    );
  });
});
