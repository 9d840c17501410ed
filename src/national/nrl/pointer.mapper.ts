/**
 * NRL DocumentReference (v3 pointer) → `RecordPointer`. A pointer missing what NRL requires of
 * every pointer (id, type, category, custodian, author, content) is refused on its own with a
 * `PointerMappingError`; the rest of the list is kept.
 */
import type { Coded, RecordPointer } from "../../records/record-pointer.ts";

const STABILITY = "Extension-England-ContentStability";
const RETRIEVAL = "Extension-England-NRLRetrievalMechanism";

export class PointerMappingError extends Error {
  constructor(reason: string) {
    super(`NRL pointer refused: ${reason}`);
    this.name = "PointerMappingError";
  }
}

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

function coded(concept: unknown, what: string): Coded {
  const coding = (object(concept)?.["coding"] as unknown[] | undefined)
    ?.map(object)
    .find((c) => text(c?.["code"]));
  const code = text(coding?.["code"]);
  if (!coding || code === null) throw new PointerMappingError(`no ${what} code`);
  return { code, display: text(coding["display"]) ?? code };
}

function odsCode(reference: unknown, what: string): string {
  const value = text(object(object(reference)?.["identifier"])?.["value"]);
  if (value === null || !/^[A-Z0-9]{2,10}$/i.test(value))
    throw new PointerMappingError(`no ${what} ODS code`);
  return value.toUpperCase();
}

function extensionCode(content: Json, name: string): string | null {
  const extensions = (content["extension"] as unknown[] | undefined) ?? [];
  for (const extension of extensions.map(object)) {
    if (!text(extension?.["url"])?.endsWith(name)) continue;
    const coding = (object(extension?.["valueCodeableConcept"])?.["coding"] as unknown[] | undefined)?.[0];
    return text(object(coding)?.["code"]);
  }
  return null;
}

/** Maps one resource from a search Bundle or a read; throws PointerMappingError. */
export function toRecordPointer(resource: unknown): RecordPointer {
  const pointer = object(resource);
  if (pointer?.["resourceType"] !== "DocumentReference")
    throw new PointerMappingError("not a DocumentReference");
  const id = text(pointer["id"]);
  if (id === null || !/^[A-Za-z0-9]+-[A-Za-z0-9.-]+$/.test(id)) throw new PointerMappingError("no valid id");
  const content = object((pointer["content"] as unknown[] | undefined)?.[0]);
  if (!content) throw new PointerMappingError("no content");
  const meta = object(pointer["meta"]);
  const attachment = object(content["attachment"]);
  return {
    id,
    type: coded(pointer["type"], "type"),
    category: coded((pointer["category"] as unknown[] | undefined)?.[0], "category"),
    custodian: odsCode(pointer["custodian"], "custodian"),
    author: odsCode((pointer["author"] as unknown[] | undefined)?.[0], "author"),
    created: text(attachment?.["creation"]) ?? text(pointer["date"]),
    updated: text(meta?.["lastUpdated"]) ?? text(pointer["date"]),
    stability: extensionCode(content, STABILITY),
    format: text(object(content["format"])?.["code"]),
    retrieval: extensionCode(content, RETRIEVAL),
    version: text(meta?.["versionId"]),
  };
}

/** Every entry of a searchset Bundle, each mapped or refused alone. */
export function pointersOfBundle(bundle: unknown): { pointers: RecordPointer[]; refused: number } | null {
  const b = object(bundle);
  if (b?.["resourceType"] !== "Bundle") return null;
  const entries = b["entry"] === undefined ? [] : b["entry"];
  if (!Array.isArray(entries)) return null;
  const pointers: RecordPointer[] = [];
  let refused = 0;
  for (const entry of entries) {
    try {
      pointers.push(toRecordPointer(object(entry)?.["resource"]));
    } catch (error) {
      if (!(error instanceof PointerMappingError)) throw error;
      refused += 1;
    }
  }
  return { pointers, refused };
}
