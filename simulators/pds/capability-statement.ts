/**
 * `GET /metadata`: the FHIR CapabilityStatement of the simulated PDS, behind the same gateway as
 * the Patient routes (request id, bearer token), so a client can prove its base URL and its
 * access are right without reading a patient. Shape: FHIR R4 CapabilityStatement, with the
 * interactions this simulator serves (read and search-type on Patient).
 */
import type { FastifyInstance } from "fastify";

const CAPABILITY_STATEMENT = {
  resourceType: "CapabilityStatement",
  status: "active",
  date: "2026-01-01",
  publisher: "NCRS Connect PDS simulator",
  kind: "instance",
  fhirVersion: "4.0.1",
  format: ["application/fhir+json"],
  implementation: { description: "Personal Demographics Service FHIR R4 API (simulated)" },
  rest: [
    {
      mode: "server",
      resource: [
        {
          type: "Patient",
          interaction: [{ code: "read" }, { code: "search-type" }],
          searchParam: ["family", "given", "gender", "birthdate", "address-postalcode"].map((name) => ({
            name,
            type: name === "birthdate" ? "date" : name === "gender" ? "token" : "string",
          })),
        },
      ],
    },
  ],
};

export function registerCapabilityStatement(api: FastifyInstance): void {
  api.get("/metadata", async (_request, reply) =>
    reply.type("application/fhir+json").send(CAPABILITY_STATEMENT),
  );
}
