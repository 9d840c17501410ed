/**
 * Where the EHR's SMART requests go: discovery and FHIR under `iss` (`/fhir`), the authorization
 * server under its issuer (`/smart/auth`). Discovery documents may be read from any origin.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Handler } from "../app-routes.ts";
import type { EprKit } from "../epr-kit.ts";
import { authorize } from "./authorize.ts";
import { capabilityStatement, openidConfiguration, smartConfiguration } from "./discovery.ts";
import { fhirResource } from "./fhir.ts";
import type { SmartEndpoint } from "./request-log.ts";
import { AUTH_PATH, FHIR_PATH } from "./smart-kit.ts";
import { token } from "./token.ts";

function sendPublic(res: ServerResponse, status: number, body: unknown, type = "application/json") {
  res.writeHead(status, {
    "content-type": `${type}; charset=utf-8`,
    "cache-control": "no-cache",
    "access-control-allow-origin": "*",
  });
  res.end(JSON.stringify(body));
}

function published(endpoint: SmartEndpoint, build: (kit: EprKit) => unknown, type?: string): Handler {
  return async (kit, req, res, url) => {
    const scenario = kit.smart.scenario.current;
    let status = 200;
    let body = build(kit);
    if (endpoint === "smart-configuration" && scenario === "discovery_down") {
      status = 503;
      body = { error: "temporarily_unavailable", error_description: "the EHR is unavailable (scenario)" };
    } else if (endpoint === "smart-configuration" && scenario === "discovery_invalid") {
      const { token_endpoint: _dropped, ...rest } = body as Record<string, unknown>;
      body = rest;
    }
    kit.smart.requests.add({ endpoint, method: req.method ?? "", path: url.pathname, status, scenario });
    sendPublic(res, status, body, type);
  };
}

const SMART_ROUTES: Record<string, Handler> = {
  [`GET ${FHIR_PATH}/.well-known/smart-configuration`]: published("smart-configuration", (kit) =>
    smartConfiguration(kit.smart),
  ),
  [`GET ${FHIR_PATH}/metadata`]: published(
    "metadata",
    (kit) => capabilityStatement(kit.smart),
    "application/fhir+json",
  ),
  [`GET ${AUTH_PATH}/.well-known/openid-configuration`]: published("openid-configuration", (kit) =>
    openidConfiguration(kit.smart),
  ),
  [`GET ${AUTH_PATH}/jwks.json`]: async (kit, _req, res) => sendPublic(res, 200, kit.smart.keys.jwks),
  [`GET ${AUTH_PATH}/authorize`]: authorize,
  [`POST ${AUTH_PATH}/authorize`]: authorize,
  [`POST ${AUTH_PATH}/token`]: token,
  [`GET ${AUTH_PATH}/token`]: token,
};

/** The SMART handler for this request, if it is one. */
export function smartHandlerFor(req: IncomingMessage, url: URL): Handler | undefined {
  const exact = SMART_ROUTES[`${req.method} ${url.pathname}`];
  if (exact) return exact;
  if (url.pathname.startsWith(`${FHIR_PATH}/`)) return fhirResource;
  return undefined;
}
