/**
 * The SMART on FHIR EHR launch over real HTTP on both databases, against "Northgate EHR" (an EHR
 * written independently of the EPR simulator, test/smart/other-ehr.ts) with the CIS2 and PDS
 * simulators behind: a launch takes a signed-in user to our patient page, and a signed-out user
 * through CIS2 sign-in and back; the EHR sees exactly the authorization request SMART asks for;
 * and every refusal has its own code, a page, an audit record and nothing left behind.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dialects } from "../support/databases.ts";
import { hartley } from "../support/fhir-patients.ts";
import { type AgentResponse, HttpAgent } from "../support/http-agent.ts";
import { metricValue } from "../support/metrics.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { OtherEhr } from "./other-ehr.ts";
import { CountingServer } from "./smart-support.ts";

describe.each(dialects)("the SMART EHR launch (%s)", (dialect) => {
  let stack: Stack;
  let agent: HttpAgent;
  let basic: OtherEhr;
  let asymmetric: OtherEhr;
  let broken: OtherEhr;
  let stranger: CountingServer;

  beforeAll(async () => {
    [basic, asymmetric, broken] = (await Promise.all(
      [0, 1, 2].map(() => new OtherEhr(hartley("NG-1")).start()),
    )) as [OtherEhr, OtherEhr, OtherEhr];
    stranger = await new CountingServer().start();
    const entry = (id: string, ehr: OtherEhr, more: Record<string, unknown>) => ({
      id,
      name: `Northgate EHR (${id})`,
      iss: ehr.iss,
      clientId: ehr.clientId,
      fhirUserMatch: "identifier",
      ...more,
    });
    stack = await startStack({
      dialect,
      env: {
        SMART_EHRS: JSON.stringify([
          entry("northgate", basic, { clientAuth: "client_secret_basic", clientSecret: basic.secret }),
          entry("northgate-jwt", asymmetric, { clientAuth: "private_key_jwt", encounter: true }),
          entry("northgate-broken", broken, {
            clientAuth: "client_secret_basic",
            clientSecret: broken.secret,
          }),
        ]),
        LAUNCH_DUPLICATE_WINDOW_SECONDS: "0",
      },
    });
    basic.register(stack.baseUrl, "client_secret_basic");
    asymmetric.register(stack.baseUrl, "private_key_jwt");
    broken.register(stack.baseUrl, "client_secret_basic");
    agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all([basic, asymmetric, broken].map((e) => e?.close()));
    await stranger?.close();
  });
  beforeEach(() => {
    for (const ehr of [basic, asymmetric, broken]) ehr.knobs = OtherEhr.defaults(hartley("NG-1"));
  });

  const launchUrl = (ehr: { iss: string }, launch = "ng-launch-1") =>
    `${stack.baseUrl}/smart/launch?${new URLSearchParams({ iss: ehr.iss, launch })}`;
  /** The EHR's launch, its authorization answer, and our callback: where the browser is sent next. */
  async function toCallback(ehr: OtherEhr, by = agent): Promise<AgentResponse> {
    const launched = await by.get(launchUrl(ehr));
    expect(launched.status).toBe(303);
    const authorized = await by.get(launched.location ?? "");
    expect(authorized.status).toBe(302);
    return by.get(authorized.location ?? "");
  }
  const lastRecord = (eventType: string) =>
    stack.built.database.db
      .selectFrom("audit_records")
      .select(["outcome", "user_id", "details", "correlation_id"])
      .where("event_type", "=", eventType)
      .orderBy("seq", "desc")
      .executeTakeFirst();
  const pendingRows = async () =>
    Number(
      (
        await stack.built.database.db
          .selectFrom("smart_launch_pending")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const contexts = async () =>
    Number(
      (
        await stack.built.database.db
          .selectFrom("patient_contexts")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** A refusal: a page with its code (never a 5xx for what the launch sent), an audit record, a log line. */
  async function expectRefused(response: AgentResponse, code: string, status: number, step: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.body).toContain(`data-testid="error-code">${code}<`);
    const record = await lastRecord("smart_launch.refused");
    const correlationId = response.headers.get("x-correlation-id");
    expect(record?.correlation_id).toBe(correlationId);
    expect(JSON.parse(String(record?.details))).toMatchObject({ code, step });
    expect(stack.logs.some((l) => l["correlationId"] === correlationId && l["code"] === code)).toBe(true);
  }

  it("a signed-in user's launch lands on our patient page, verified, handed over as `smart` from that EHR", async () => {
    const called = await toCallback(basic);
    // Signed in already: the callback goes straight to the patient, with no further hop.
    expect(called.status).toBe(303);
    expect(called.location).toMatch(/\/patient-context\/[A-Za-z0-9_-]+$/);
    const page = await agent.get(called.location ?? "");
    expect(page.status).toBe(200);
    expect(page.body).toContain("HARTLEY");
    expect(page.body).toContain("Open in NCRS");
    const received = await lastRecord("patient_context.received");
    expect(received?.outcome).toBe("handover.verified");
    expect(JSON.parse(String(received?.details))).toMatchObject({
      handoverSource: "smart",
      apiClientId: "northgate",
    });
    expect(await pendingRows()).toBe(0);
  });

  it("asks the EHR exactly as SMART App Launch says: code, PKCE S256, aud = iss, the launch, minimal scopes, a state and nonce", async () => {
    basic.seen.length = 0;
    await toCallback(basic);
    const authorize = basic.seen.find((r) => r.path === "authorize")?.params ?? {};
    expect(authorize).toMatchObject({
      response_type: "code",
      client_id: basic.clientId,
      redirect_uri: `${stack.baseUrl}/smart/callback`,
      launch: "ng-launch-1",
      scope: "launch openid fhirUser patient/Patient.rs",
      aud: basic.iss,
      code_challenge_method: "S256",
    });
    expect(authorize["state"]).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(authorize["nonce"]).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(authorize["code_challenge"]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(basic.seen.find((r) => r.path === "token")?.auth).toBe("client_secret_basic");
  });

  it("authenticates with private_key_jwt by our published key, and reads the encounter when configured", async () => {
    asymmetric.knobs.encounter = "ng-enc-9";
    asymmetric.knobs.scope = "launch openid fhirUser patient/Encounter.rs patient/Patient.rs";
    const called = await toCallback(asymmetric);
    expect(asymmetric.seen.find((r) => r.path === "token")?.auth).toBe("private_key_jwt");
    expect(asymmetric.seen.find((r) => r.path === "authorize")?.params["scope"]).toBe(
      "launch openid fhirUser patient/Patient.rs patient/Encounter.rs",
    );
    const page = await agent.follow(await agent.get(called.location ?? ""));
    expect(page.body).toContain("HARTLEY");
    expect(JSON.parse(String((await lastRecord("patient_context.received"))?.details))).toMatchObject({
      handoverSource: "smart",
      apiClientId: "northgate-jwt",
      encounter: "Encounter/ng-enc-9",
    });
  });

  it("a launched patient whose details differ from PDS lands on the confirmation page, not on a launchable page", async () => {
    basic.knobs.patient = { ...hartley("NG-2"), id: basic.patientId, birthDate: "1984-03-15" };
    const called = await toCallback(basic);
    expect(called.location).toMatch(/\/patient-context\/[A-Za-z0-9_-]+\/checks\/[0-9a-f-]{36}$/);
    const confirmation = await agent.get(called.location ?? "");
    expect(confirmation.status).toBe(200);
    expect(confirmation.body).toContain('data-testid="comparison"');
    expect((await lastRecord("patient_context.received"))?.outcome).toBe("handover.needs_confirmation");
  });

  it("keeps the EHR's code out of Referers and caches on the way back", async () => {
    const launched = await agent.get(launchUrl(basic));
    expect(launched.headers.get("referrer-policy")).toBe("no-referrer");
    const authorized = await agent.get(launched.location ?? "");
    const called = await agent.get(authorized.location ?? "");
    expect(called.headers.get("referrer-policy")).toBe("no-referrer");
    expect(called.headers.get("cache-control")).toBe("no-store");
    expect(called.location).not.toContain("code=");
  });

  it("a signed-out user is sent through CIS2 sign-in after the EHR's answer, and comes back to the patient page", async () => {
    const browser = new HttpAgent();
    const called = await toCallback(basic, browser);
    expect(called.status).toBe(303);
    expect(called.location).toContain("/auth/login?return_to=%2Fsmart%2Fcontinue%2F");
    const page = await signIn(browser, stack.baseUrl, {
      user: USERS.singleRole,
      start: new URL(called.location ?? "").pathname + new URL(called.location ?? "").search,
    });
    expect(page.url).toMatch(/\/patient-context\/[A-Za-z0-9_-]+$/);
    expect(page.body).toContain("HARTLEY");
  });

  it("refuses an EHR user who is not the signed-in user, and the right user can carry the launch on", async () => {
    basic.knobs.practitioner = USERS.multiRole;
    const before = await contexts();
    const refused = await toCallback(basic);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('data-testid="error-code">smart_launch.other_user<');
    expect(refused.body).toContain('data-testid="switch-user"');
    expect(JSON.parse(String((await lastRecord("smart_launch.refused"))?.details))).toMatchObject({
      code: "smart_launch.other_user",
      step: "continue",
      ehrId: "northgate",
    });
    expect(await contexts()).toBe(before);
  });

  it("never fetches an unregistered iss, and refuses it", async () => {
    const response = await agent.get(launchUrl({ iss: stranger.url }));
    await expectRefused(response, "smart_launch.unknown_ehr", 400, "launch");
    expect(stranger.requests).toBe(0);
  });

  it("refuses a launch without iss or launch", async () => {
    await expectRefused(
      await agent.get(`${stack.baseUrl}/smart/launch?iss=${encodeURIComponent(basic.iss)}`),
      "smart_launch.missing_parameters",
      400,
      "launch",
    );
  });

  it("refuses when the EHR's SMART configuration cannot be read or lacks what a launch needs, and never keeps a failure", async () => {
    broken.knobs.discovery = "down";
    await expectRefused(await agent.get(launchUrl(broken)), "smart_launch.discovery_failed", 502, "launch");
    broken.knobs.discovery = "invalid";
    await expectRefused(await agent.get(launchUrl(broken)), "smart_launch.discovery_invalid", 502, "launch");
    broken.knobs.discovery = "normal";
    expect((await agent.get(launchUrl(broken))).status).toBe(303);
  });

  it.each([
    ["access_denied", "smart_launch.access_denied", 403],
    ["temporarily_unavailable", "smart_launch.authorize_error", 400],
  ] as const)(
    "refuses the EHR's authorization error %s, keeping the EHR's code",
    async (error, code, status) => {
      basic.knobs.authorizeError = error;
      const before = await pendingRows();
      const response = await toCallback(basic);
      await expectRefused(response, code, status, "callback");
      expect(JSON.parse(String((await lastRecord("smart_launch.refused"))?.details)).ehrError).toBe(error);
      expect(await pendingRows()).toBe(before);
    },
  );

  it("refuses an answer with another state, and the same answer twice", async () => {
    basic.knobs.tamperState = true;
    await expectRefused(await toCallback(basic), "smart_launch.unknown_state", 400, "callback");
    basic.knobs.tamperState = false;
    const launched = await agent.get(launchUrl(basic));
    const authorized = await agent.get(launched.location ?? "");
    expect((await agent.get(authorized.location ?? "")).status).toBe(303);
    await expectRefused(
      await agent.get(authorized.location ?? ""),
      "smart_launch.unknown_state",
      400,
      "callback",
    );
  });

  it("refuses an answer brought back by another browser", async () => {
    const launched = await agent.get(launchUrl(basic));
    const authorized = await agent.get(launched.location ?? "");
    const other = new HttpAgent();
    const response = await other.get(authorized.location ?? "");
    expect(response.status).toBe(400);
    expect(response.body).toContain("smart_launch.unknown_state");
  });

  const tokenCases: [string, (ehr: OtherEhr) => void, string, number][] = [
    [
      "a token error",
      (e) => {
        e.knobs.tokenError = "invalid_grant";
      },
      "smart_launch.token_failed",
      502,
    ],
    [
      "no patient",
      (e) => {
        e.knobs.omitPatient = true;
      },
      "smart_launch.no_patient",
      502,
    ],
    [
      "no Patient read scope",
      (e) => {
        e.knobs.scope = "launch openid fhirUser";
      },
      "smart_launch.scope_missing",
      403,
    ],
    [
      "an id_token by a key it does not publish",
      (e) => {
        e.knobs.idToken = "wrong_key";
      },
      "smart_launch.id_token_invalid",
      502,
    ],
    [
      "an id_token for someone else",
      (e) => {
        e.knobs.idToken = "wrong_audience";
      },
      "smart_launch.id_token_invalid",
      502,
    ],
    [
      "openid granted but no id_token",
      (e) => {
        e.knobs.idToken = "none";
      },
      "smart_launch.id_token_invalid",
      502,
    ],
    [
      "a Patient read that fails",
      (e) => {
        e.knobs.patientStatus = 503;
      },
      "smart_launch.fhir_read_failed",
      502,
    ],
    [
      "a Patient without an NHS number",
      (e) => {
        e.knobs.patient = {
          ...hartley("NG-1"),
          id: e.patientId,
          identifier: [hartley("NG-1").identifier[1]],
        };
      },
      "handover.no_nhs_number",
      422,
    ],
    [
      "a Patient whose NHS number fails its check digit",
      (e) => {
        e.knobs.patient = {
          ...hartley("NG-1"),
          id: e.patientId,
          identifier: [
            { system: "https://fhir.nhs.uk/Id/nhs-number", value: "9991000055" },
            hartley("NG-1").identifier[1],
          ],
        };
      },
      "handover.invalid_nhs_number",
      422,
    ],
    [
      "an EHR user without an SDS user id",
      (e) => {
        e.knobs.practitionerSdsId = false;
      },
      "smart_launch.user_unknown",
      403,
    ],
  ];
  it.each(tokenCases)("refuses %s, leaving nothing behind", async (_name, fault, code, status) => {
    fault(basic);
    const [pendingBefore, contextsBefore] = [await pendingRows(), await contexts()];
    await expectRefused(await toCallback(basic), code, status, "callback");
    expect(await pendingRows()).toBe(pendingBefore);
    expect(await contexts()).toBe(contextsBefore);
  });

  it("refuses an encounter that is another patient's", async () => {
    asymmetric.knobs.encounter = "ng-enc-2";
    asymmetric.knobs.encounterSubject = "Patient/someone-else";
    asymmetric.knobs.scope = "launch openid fhirUser patient/*.read";
    await expectRefused(await toCallback(asymmetric), "smart_launch.wrong_resource", 502, "callback");
  });

  it("accepts scopes in another order and v1 syntax, and an absent scope as what was asked", async () => {
    basic.knobs.scope = null;
    const called = await toCallback(basic);
    expect(called.status).toBe(303);
    expect((await agent.follow(called)).body).toContain("HARTLEY");
  });

  it("refuses a continue address that was used, or never made", async () => {
    const browser = new HttpAgent();
    const called = await toCallback(basic, browser);
    const returnTo = new URL(called.location ?? "").searchParams.get("return_to") ?? "";
    expect(returnTo).toMatch(/^\/smart\/continue\/[0-9a-f-]{36}$/);
    const page = await signIn(browser, stack.baseUrl, {
      user: USERS.singleRole,
      start: new URL(called.location ?? "").pathname + new URL(called.location ?? "").search,
    });
    expect(page.body).toContain("HARTLEY");
    await expectRefused(
      await browser.get(`${stack.baseUrl}${returnTo}`),
      "smart_launch.unknown_launch",
      400,
      "continue",
    );
    await expectRefused(
      await agent.get(`${stack.baseUrl}/smart/continue/00000000-0000-4000-8000-000000000000`),
      "smart_launch.unknown_launch",
      400,
      "continue",
    );
  });

  it("counts launches by source, refusals by EHR, step and code, and times each call to the EHR", async () => {
    const metric = (name: string, labels: Record<string, string>) => metricValue(stack.baseUrl, name, labels);
    const handedOver = await metric("ncrs_patient_handovers_total", { source: "smart" });
    const tokens = await metric("ncrs_smart_ehr_call_duration_seconds_count", {
      ehr: "northgate",
      call: "token",
      outcome: "ok",
    });
    await agent.follow(await toCallback(basic));
    expect(await metric("ncrs_patient_handovers_total", { source: "smart" })).toBe(handedOver + 1);
    expect(
      await metric("ncrs_smart_ehr_call_duration_seconds_count", {
        ehr: "northgate",
        call: "token",
        outcome: "ok",
      }),
    ).toBe(tokens + 1);
    basic.knobs.tokenError = "invalid_grant";
    const refused = await metric("ncrs_smart_launch_refusals_total", {
      ehr: "northgate",
      step: "callback",
      code: "smart_launch.token_failed",
    });
    await toCallback(basic);
    expect(
      await metric("ncrs_smart_launch_refusals_total", {
        ehr: "northgate",
        step: "callback",
        code: "smart_launch.token_failed",
      }),
    ).toBe(refused + 1);
  });

  it("puts no EHR token, code or NHS number in our log", async () => {
    await agent.follow(await toCallback(basic));
    expect(basic.issued.length).toBeGreaterThan(1);
    const log = JSON.stringify(stack.logs);
    expect(log).not.toContain("9991000054");
    for (const secret of basic.issued) expect(log).not.toContain(secret);
  });
});
