/**
 * `patient-page`: a verified patient's page through the whole product (session, patient context
 * bound to session and tab, patient and demographics from the database, verification state) against
 * a bare Fastify route rendering the same page. No PDS call on a page view: the verification is
 * stored. Target ratio ≥ 0.5.
 */
import { nhsNumber } from "../src/patients/nhs-number.ts";
import type { Patient } from "../src/patients/patient.types.ts";
import { LaunchHelpContent } from "../src/web/launch-help.ts";
import { bannerOf, detailRows } from "../src/web/patient-view.ts";
import { checkWithPds, decide, selectPatient } from "../test/support/patients.ts";
import { layoutContext, pageVsBare } from "./lib/page-vs-bare.ts";
import { startProduct } from "./lib/product.ts";
import type { BenchResult } from "./lib/result.ts";

export async function patientPage(): Promise<BenchResult> {
  const product = await startProduct();
  try {
    const page = await selectPatient(product.agent, product.baseUrl, "999 100 0054", "RX1-000101");
    const verified = await product.agent.follow(
      await decide(product.agent, await checkWithPds(product.agent, product.baseUrl, page), "confirm"),
    );
    if (!verified.body.includes("Verified with PDS"))
      throw new Error("patient-page: the patient could not be verified");
    const pdsCallsBefore = await pdsRequests(product.pds.origin);
    const outcome = await pageVsBare({
      bench: "patient-page",
      target: 0.5,
      url: page.url,
      cookie: product.cookie,
      template: "pages/patient.njk",
      context: layoutContext(patientPageContext()),
    });
    const pdsCalls = (await pdsRequests(product.pds.origin)) - pdsCallsBefore;
    if (pdsCalls !== 0) throw new Error(`patient-page: page views called PDS ${pdsCalls} times`);
    return outcome;
  } finally {
    await product.stop();
  }
}

async function pdsRequests(origin: string): Promise<number> {
  return ((await (await fetch(`${origin}/_sim/stats`)).json()) as { requests: number }).requests;
}

/** The same page data the product renders for the verified demo patient, launch panel included. */
function patientPageContext(): Record<string, unknown> {
  const now = new Date();
  const local = { source: "local" as const, recordedAt: now, pdsVersion: null };
  const patient: Patient = {
    id: "00000000-0000-4000-8000-000000000000",
    mrn: "RX1-000101",
    nhsNumber: { kind: "valid", value: nhsNumber("9991000054") },
    supersededNhsNumbers: [],
    demographics: {
      name: { value: { prefix: "Mr", given: ["Oscar", "James"], family: "Hartley" }, provenance: local },
      birthDate: { value: "1984-03-14", provenance: local },
      gender: { value: "male", provenance: local },
      address: {
        value: { lines: ["12 Elm Grove", "Headingley", "LEEDS"], postalCode: "LS6 2AB" },
        provenance: local,
      },
      phone: null,
      email: null,
      gpOdsCode: { value: "Y90002", provenance: local },
      death: null,
    },
    confidentiality: "unrestricted",
    verification: {
      status: "verified",
      by: { userId: "555000000001", userName: "Amelia Hart" },
      at: now,
      pdsVersion: "2",
    },
    updatedAt: now,
  };
  return {
    banner: bannerOf(patient, now, 86400),
    rows: detailRows(patient),
    contextId: "AAAAAAAAAAAAAAAAAAAAAAAA",
    patientId: patient.id,
    tabId: "testtab0000000000001",
    contextState: "current",
    currentContextId: null,
    canCheck: true,
    // The "Open in NCRS" panel as the product shows it for this user (Y90001, shared workstation).
    launch: {
      ready: true,
      launchId: "A".repeat(24),
      ref: "00000000-0000-4000-8000-000000000001",
      reason: null,
      windowName: "ncrs",
      busySeconds: 5,
      help: LaunchHelpContent.load("content").for("Y90001", "shared", "smartcard-identity-agent"),
    },
    notice: null,
    pdsError: null,
    correlationId: "bench",
  };
}
