/**
 * The back-end hand-over: the EPR tells NCRS Connect which patient its user has open
 * (`POST /api/v1/patient-contexts`, as the user through the bearer token) and reads back the
 * context token its page gives the embedded button, whether the user must confirm, and how the
 * sent demographics differ from PDS.
 */
import { randomUUID } from "node:crypto";
import type { EprKit } from "./epr-kit.ts";
import { callNcrs, isObject } from "./ncrs-client.ts";
import { type EprPatient, fhirPatient } from "./patients.ts";
import type { EprSession, NcrsConnection } from "./sessions.ts";

export interface Difference {
  field: string;
  label: string;
  sent: string;
  pds: string;
}

export type Handover =
  | {
      ok: true;
      contextToken: string;
      mustConfirm: boolean;
      confirmUrl?: string;
      verification: string;
      survivingNhsNumber?: string;
      differences: Difference[];
    }
  /** `code` is NCRS Connect's error code, or one of ours for an unreachable or odd answer. */
  | { ok: false; status: number; code: string; message: string; correlationId?: string };

const text = (value: unknown) =>
  typeof value === "string" ? value : value == null ? "" : JSON.stringify(value);

function differencesOf(value: unknown): Difference[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((d) => ({
    field: text(d["field"]),
    label: text(d["label"] ?? d["field"]),
    sent: text(d["sent"]),
    pds: text(d["pds"]),
  }));
}

function refusal(status: number, body: unknown, failure?: string): Handover {
  if (status === 0)
    return { ok: false, status, code: "epr.ncrs_unreachable", message: failure ?? "no answer" };
  const error = isObject(body) && isObject(body["error"]) ? body["error"] : undefined;
  const correlationId =
    isObject(body) && typeof body["correlationId"] === "string" ? body["correlationId"] : undefined;
  return {
    ok: false,
    status,
    code: error && typeof error["code"] === "string" ? error["code"] : `http_${status}`,
    message: error && typeof error["message"] === "string" ? error["message"] : "NCRS Connect gave no reason",
    ...(correlationId ? { correlationId } : {}),
  };
}

export async function handOver(
  kit: EprKit,
  session: EprSession,
  connection: NcrsConnection,
  patient: EprPatient,
): Promise<Handover> {
  const body = { patient: fhirPatient(patient), windowId: session.windowId };
  const answer = await callNcrs(kit, {
    method: "POST",
    path: "/api/v1/patient-contexts",
    headers: {
      authorization: `Bearer ${connection.accessToken}`,
      "content-type": "application/json",
      // One key per page view: a reload is a new hand-over; a retry of this one would reuse it.
      "idempotency-key": randomUUID(),
    },
    body: JSON.stringify(body),
    logged: body,
  });
  const reply = answer.body;
  if ((answer.status !== 200 && answer.status !== 201) || !isObject(reply))
    return refusal(answer.status, reply, answer.failure);
  if (typeof reply["contextToken"] !== "string")
    return {
      ok: false,
      status: answer.status,
      code: "epr.no_context_token",
      message: "the answer had no contextToken",
    };
  const verification = isObject(reply["verification"]) ? reply["verification"] : {};
  const surviving = verification["survivingNhsNumber"];
  return {
    ok: true,
    contextToken: reply["contextToken"],
    mustConfirm: reply["mustConfirm"] === true,
    ...(typeof reply["confirmUrl"] === "string" ? { confirmUrl: reply["confirmUrl"] } : {}),
    verification: text(verification["status"]) || "unknown",
    ...(typeof surviving === "string" ? { survivingNhsNumber: surviving } : {}),
    differences: differencesOf(reply["differences"]),
  };
}
