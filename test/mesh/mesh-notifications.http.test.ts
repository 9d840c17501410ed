/**
 * End to end over MESH and HTTP, the whole service as `npm start` runs it (MNS_DELIVERY=mesh): the
 * MNS simulator records a change at PDS and sends its signal as a MESH message into our mailbox; the
 * service polls the mailbox over mutual TLS, stores, acknowledges, processes against PDS, and the
 * open patient page's notification stream (what draws the banner) tells of the death; a change of
 * GP says nothing. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Session } from "../../src/identity/identity.types.ts";
import { nhsNumber } from "../../src/patients/nhs-number.ts";
import { type EventsWeb, startEventsWeb } from "../events/support/events-web.ts";
import { openEventStream } from "../events/support/sse-reader.ts";
import { dialects } from "../support/databases.ts";
import { HttpAgent } from "../support/http-agent.ts";
import { signIn, USERS } from "../support/sign-in.ts";

describe.each(dialects)("MNS over MESH to the clinician's page (%s)", (dialect) => {
  let web: EventsWeb;

  beforeAll(async () => {
    web = await startEventsWeb(dialect, { mesh: true });
  });
  afterAll(() => web.close());

  it("a death sent over MESH reaches the open patient page's notifications; a change of GP does not", async () => {
    const agent = new HttpAgent();
    expect((await signIn(agent, web.baseUrl, { user: USERS.singleRole })).status).toBe(200);
    const token = agent.cookie("localhost", "ncrs_session");
    const session = ((await web.identity.sessions.resolve(token, "test")) as { session: Session }).session;
    const patient = await web.patients.findByAnyNhsNumber(nhsNumber("9991000038"));
    const contextId = await web.contexts.select(
      session,
      patient?.id ?? "",
      "meshtab00000000000000001",
      "test",
    );
    const stream = await openEventStream(
      `${web.baseUrl}/patient-context/${contextId}/notifications`,
      `ncrs_session=${token}`,
    );
    expect(stream.status).toBe(200);

    const gp = await web.mnsControl("publish", {
      type: "pds-change-of-gp-2",
      nhsNumber: "9991000038",
      format: "fhir",
    });
    const death = await web.mnsControl("publish", {
      type: "pds-death-notification-2",
      nhsNumber: "9991000038",
      format: "fhir",
    });
    expect([gp["delivered"], death["delivered"]]).toEqual([true, true]);
    const first = await stream.next();
    expect(first.event).toBe("patient-change");
    expect(JSON.parse(first.data)).toMatchObject({
      kind: "deceased",
      title: "PDS now records this patient as deceased",
    });
    stream.close();

    const rows = await web.db.events
      .selectFrom("event_inbox")
      .select(["external_id", "channel"])
      .where("external_id", "in", [gp["eventId"] as string, death["eventId"] as string])
      .execute();
    expect(rows.map((r) => r.channel)).toEqual(["mesh", "mesh"]);
    expect(web.mesh?.inbox("X26NCRS1")).toEqual([]);
  });
});
