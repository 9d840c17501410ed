/**
 * The EHR's FHIR API for launched apps, at `iss`: `GET {iss}/Patient/{id}`, `/Encounter/{id}` and
 * `/Practitioner/{id}` with the access token as a Bearer. What a token may read is its scopes
 * (v2 `.r`/`.rs` or v1 `.read` for the type) within its launch: the launch's patient and its
 * encounter only, and of Practitioners only the token's own user (with `fhirUser`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EprKit } from "../epr-kit.ts";
import { findPatient } from "../patients.ts";
import { findUser } from "../users.ts";
import type { AccessToken } from "./grants.ts";
import type { SmartRequest } from "./request-log.ts";
import {
  encounterId,
  encounterResource,
  operationOutcome,
  patientResource,
  practitionerResource,
} from "./resources.ts";
import { mayReadInPatientContext, parseResourceScope } from "./scopes.ts";
import { FHIR_PATH } from "./smart-kit.ts";

const FHIR_JSON = "application/fhir+json; charset=utf-8";

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  issue?: string;
  text?: string;
}

const outcome = (status: number, code: string, text: string, headers?: Record<string, string>): Answer => ({
  status,
  body: operationOutcome(code, text),
  issue: code,
  text,
  ...(headers ? { headers } : {}),
});

const forbidden = (text: string) => outcome(403, "forbidden", text);
const notFound = (type: string, id: string) => outcome(404, "not-found", `${type}/${id} is not known`);

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer ([\w.~+/-]+=*)$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}

function scopeRefusal(type: string): Answer {
  return outcome(403, "forbidden", `the token's scopes do not allow reading ${type}`, {
    "www-authenticate": `Bearer error="insufficient_scope", scope="patient/${type}.rs"`,
  });
}

function readPatient(token: AccessToken, id: string): Answer {
  if (!mayReadInPatientContext(token.scopes, "Patient")) return scopeRefusal("Patient");
  const patient = findPatient(id);
  if (!patient) return notFound("Patient", id);
  if (id !== token.launch.patient) return forbidden("this token is for another patient");
  return { status: 200, body: patientResource(patient) };
}

function readEncounter(token: AccessToken, id: string): Answer {
  if (!mayReadInPatientContext(token.scopes, "Encounter")) return scopeRefusal("Encounter");
  const patient = id.startsWith("enc-") ? findPatient(id.slice(4)) : undefined;
  if (!patient) return notFound("Encounter", id);
  if (id !== token.launch.encounter || encounterId(token.launch.patient) !== id)
    return forbidden("this token is for another patient's encounter");
  return { status: 200, body: encounterResource(patient) };
}

function readPractitioner(token: AccessToken, id: string): Answer {
  const byScope = token.scopes.some((s) => {
    const parsed = parseResourceScope(s);
    return (
      parsed?.read && parsed.context === "user" && (parsed.type === "Practitioner" || parsed.type === "*")
    );
  });
  if (!token.scopes.includes("fhirUser") && !byScope)
    return outcome(403, "forbidden", "reading the user's Practitioner needs the fhirUser scope");
  const user = findUser(id);
  if (!user) return notFound("Practitioner", id);
  if (id !== token.launch.userSub) return forbidden("a token may read only its own user's Practitioner");
  return { status: 200, body: practitionerResource(user) };
}

const READERS: Record<string, (token: AccessToken, id: string) => Answer> = {
  Patient: readPatient,
  Encounter: readEncounter,
  Practitioner: readPractitioner,
};

function answer(
  kit: EprKit,
  req: IncomingMessage,
  type: string,
  id: string,
  token: AccessToken | undefined,
): Answer {
  const reader = READERS[type];
  if (!reader) return outcome(404, "not-supported", `${type} is not served here`);
  if (req.method !== "GET")
    return outcome(405, "not-supported", "only read (GET) is supported", { allow: "GET" });
  if (!token)
    return outcome(401, "login", "a valid Bearer access token is required", {
      "www-authenticate": bearer(req)
        ? 'Bearer realm="Riverside EPR", error="invalid_token"'
        : 'Bearer realm="Riverside EPR"',
    });
  if (kit.smart.scenario.for(token.launch) === "fhir_down")
    return outcome(503, "transient", "the FHIR server is unavailable (scenario)", { "retry-after": "5" });
  return reader(token, id);
}

/** `{iss}/{type}/{id}`; anything deeper (searches, history) is not served. */
export async function fhirResource(
  kit: EprKit,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const [type = "", id = "", ...rest] = url.pathname.slice(FHIR_PATH.length + 1).split("/");
  const value = bearer(req);
  const token = value ? kit.smart.grants.findToken(value) : undefined;
  const result =
    rest.length > 0 || !/^[A-Za-z0-9.-]{1,64}$/.test(id)
      ? outcome(404, "not-found", "only reads by id are served")
      : answer(kit, req, type, id, token);
  const entry: Omit<SmartRequest, "at"> = {
    endpoint: "fhir",
    method: req.method ?? "",
    path: url.pathname,
    status: result.status,
    ...(token ? { clientId: token.clientId, scenario: kit.smart.scenario.for(token.launch) } : {}),
    ...(result.issue ? { error: result.issue, errorDescription: result.text ?? "" } : {}),
  };
  kit.smart.requests.add(entry);
  res.writeHead(result.status, { "content-type": FHIR_JSON, "cache-control": "no-store", ...result.headers });
  res.end(JSON.stringify(result.body));
}
