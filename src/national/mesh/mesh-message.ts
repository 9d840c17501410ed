/**
 * What one downloaded MESH message is for the intake: its content type (MESH's own Content-Type is
 * usually application/octet-stream; `mex-content-type` carries the sender's, when MNS sets one, which
 * is unconfirmed) or, failing both, sniffed from the JSON: a CloudEvent has `specversion`, MNS's
 * FHIR signal is a `Bundle`.
 */
const CLOUDEVENT = "application/cloudevents+json";
const FHIR = "application/fhir+json";

export function intakeContentType(declared: string | undefined, body: Buffer): string | undefined {
  const type = declared?.split(";")[0]?.trim().toLowerCase();
  if (type === CLOUDEVENT || type === FHIR) return type;
  try {
    const json = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    if (typeof json !== "object" || json === null) return declared;
    if (typeof json["specversion"] === "string") return CLOUDEVENT;
    if (json["resourceType"] === "Bundle") return FHIR;
  } catch {
    // not JSON: the intake refuses it by its declared type
  }
  return declared;
}
