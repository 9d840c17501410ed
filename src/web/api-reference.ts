/**
 * The API reference page's content, read from the generated OpenAPI document: per tag, each
 * operation with who may call it, its parameters and body fields, and each response with its
 * error codes. Nothing here is written by hand about a route, so the page says what the document
 * says.
 */
import { errorTitles } from "./openapi.ts";

type Json = Record<string, unknown>;

export interface Field {
  readonly name: string;
  readonly where: string;
  readonly required: boolean;
  readonly type: string;
  readonly descriptionHtml: string;
}

export interface ResponseRow {
  readonly status: string;
  /** Empty when the codes say it all. */
  readonly descriptionHtml: string;
  readonly codes: readonly { readonly code: string; readonly title: string }[];
  readonly fields: readonly Field[];
}

export interface OperationView {
  readonly anchor: string;
  readonly method: string;
  readonly path: string;
  readonly summary: string;
  readonly descriptionHtml: string;
  readonly callers: readonly string[];
  readonly parameters: readonly Field[];
  readonly bodyTypes: readonly string[];
  readonly bodyFields: readonly Field[];
  readonly responses: readonly ResponseRow[];
}

export interface SectionView {
  readonly name: string;
  readonly description: string;
  readonly operations: readonly OperationView[];
}

export interface ApiReferenceView {
  readonly introHtml: string;
  readonly schemes: readonly { readonly name: string; readonly descriptionHtml: string }[];
  readonly sections: readonly SectionView[];
}

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Our descriptions' only markup: `code`. Everything else is escaped. */
export function inlineHtml(text: unknown): string {
  return escapeHtml(typeof text === "string" ? text : "").replace(/`([^`]+)`/g, "<code>$1</code>");
}

const obj = (value: unknown): Json => (value && typeof value === "object" ? (value as Json) : {});

/** A schema's type in words, with its constraints. */
export function typeOf(schema: Json): string {
  const type = [schema["type"] ?? (schema["anyOf"] ? "one of several shapes" : "any")].flat().join(" or ");
  const parts = [type];
  if (typeof schema["format"] === "string") parts.push(`(${schema["format"]})`);
  if (Array.isArray(schema["enum"])) parts.push(`: ${schema["enum"].join(", ")}`);
  if (schema["const"] !== undefined) parts.push(`: ${String(schema["const"])}`);
  if (typeof schema["maxLength"] === "number") parts.push(`, at most ${schema["maxLength"]} characters`);
  if (typeof schema["pattern"] === "string") parts.push(`, matching ${schema["pattern"]}`);
  if (schema["type"] === "array") parts.push(`of ${typeOf(obj(schema["items"])).replace(/^any$/, "values")}`);
  return parts.join(" ").replace(/ ([:,])/g, "$1");
}

function fieldsOf(schema: Json, where: string): Field[] {
  const required = new Set(Array.isArray(schema["required"]) ? (schema["required"] as string[]) : []);
  return Object.entries(obj(schema["properties"])).map(([name, value]) => ({
    name,
    where,
    required: required.has(name),
    type: typeOf(obj(value)),
    descriptionHtml: inlineHtml(obj(value)["description"]),
  }));
}

/** The error codes a response schema names: our error JSON's `error.code`, or OAuth's `error`. */
export function codesOf(schema: Json): string[] {
  if (Array.isArray(schema["anyOf"])) return (schema["anyOf"] as unknown[]).flatMap((s) => codesOf(obj(s)));
  const error = obj(obj(schema["properties"])["error"]);
  const named = error["type"] === "string" ? error["enum"] : obj(obj(error["properties"])["code"])["enum"];
  return Array.isArray(named) ? (named as string[]) : [];
}

function responsesOf(operation: Json): ResponseRow[] {
  return Object.entries(obj(operation["responses"])).map(([status, value]) => {
    const response = obj(value);
    const schema = obj(Object.values(obj(response["content"])).map((m) => obj(m)["schema"])[0]);
    const description = String(response["description"] ?? "");
    const titles = errorTitles(description);
    return {
      status,
      descriptionHtml: titles.size > 0 ? "" : inlineHtml(description),
      codes: codesOf(schema).map((code) => ({ code, title: titles.get(code) ?? "" })),
      fields: status.startsWith("2") ? fieldsOf(schema, "body") : [],
    };
  });
}

/** Who may call an operation, in words, one line per alternative. */
function callersOf(operation: Json, schemes: Json): string[] {
  const security = operation["security"];
  if (!Array.isArray(security) || security.length === 0) return ["Anyone: no sign-in needed"];
  return (security as Json[]).map((requirement) => {
    const names = Object.keys(requirement);
    if (names.length === 0) return "Or with the client id and secret in the request body";
    return names
      .map((name) => {
        const scheme = obj(schemes[name]);
        if (scheme["type"] === "apiKey")
          return `${String(scheme["name"])} ${scheme["in"] === "cookie" ? "cookie" : "header"}`;
        if (scheme["type"] === "oauth2") return "Authorization: Bearer token from /oauth/token";
        if (scheme["type"] === "http") return "Authorization: Basic with the system's client id and secret";
        return name;
      })
      .join(" with the ");
  });
}

export function apiReference(document: unknown): ApiReferenceView {
  const doc = obj(document);
  const schemes = obj(obj(doc["components"])["securitySchemes"]);
  const tags = (Array.isArray(doc["tags"]) ? (doc["tags"] as Json[]) : []).map((t) => ({
    name: String(t["name"]),
    description: String(t["description"] ?? ""),
    operations: [] as OperationView[],
  }));
  const sectionOf = (tag: string) => {
    const found = tags.find((t) => t.name === tag);
    if (found) return found;
    const added = { name: tag, description: "", operations: [] as OperationView[] };
    tags.push(added);
    return added;
  };
  for (const [path, item] of Object.entries(obj(doc["paths"]))) {
    for (const method of METHODS) {
      const operation = obj(obj(item)[method]);
      if (Object.keys(operation).length === 0) continue;
      const body = obj(obj(operation["requestBody"])["content"]);
      const bodySchema = obj(Object.values(body).map((m) => obj(m)["schema"])[0]);
      const parameters = (
        Array.isArray(operation["parameters"]) ? (operation["parameters"] as Json[]) : []
      ).map((p) => ({
        name: String(p["name"]),
        where: String(p["in"]),
        required: p["required"] === true,
        type: typeOf(obj(p["schema"])),
        descriptionHtml: inlineHtml(p["description"] ?? obj(p["schema"])["description"]),
      }));
      const tag = Array.isArray(operation["tags"]) ? String(operation["tags"][0]) : "Other";
      sectionOf(tag).operations.push({
        anchor: String(operation["operationId"] ?? `${method}-${path}`).replace(/[^A-Za-z0-9-]/g, "-"),
        method: method.toUpperCase(),
        path,
        summary: String(operation["summary"] ?? ""),
        descriptionHtml: inlineHtml(operation["description"]),
        callers: callersOf(operation, schemes),
        parameters,
        bodyTypes: Object.keys(body),
        bodyFields: fieldsOf(bodySchema, "body"),
        responses: responsesOf(operation),
      });
    }
  }
  return {
    introHtml: inlineHtml(obj(doc["info"])["description"]),
    schemes: Object.entries(schemes).map(([name, s]) => ({
      name,
      descriptionHtml: inlineHtml(obj(s)["description"]),
    })),
    sections: tags.filter((t) => t.operations.length > 0),
  };
}
