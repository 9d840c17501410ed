/**
 * CIS2: its discovery document (at `{CIS2_ISSUER}/.well-known/openid-configuration`, whose
 * `issuer` must be CIS2_ISSUER byte for byte, `:443` and all) and the JWKS it names (keys to check
 * ID tokens and logout tokens with). Two checks sharing one fetch of the discovery document.
 */
import { type CheckResult, type DoctorCheck, fail, pass } from "./check.ts";
import { type Probe, printable, probe } from "./http-probe.ts";

export interface Cis2CheckOptions {
  readonly issuer: string;
  /** Our client-assertion algorithm when CIS2_CLIENT_AUTH is private_key_jwt. */
  readonly assertionAlg: string | null;
  readonly timeoutMs: number;
}

const ISSUER_HINT =
  "CIS2_ISSUER must be CIS2's issuer exactly (INT: https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare), reachable from this server through any proxy or firewall.";

type Discovery = Record<string, unknown>;

function discoveryResult(
  url: string,
  answer: Probe,
  options: Cis2CheckOptions,
): { result: CheckResult; doc: Discovery | null } {
  if (!answer.ok) return { result: fail(`${printable(url)}: ${answer.problem}`, ISSUER_HINT), doc: null };
  const doc = answer.json as Discovery | null;
  if (answer.status !== 200 || typeof doc !== "object" || doc === null)
    return {
      result: fail(`${printable(url)} answered HTTP ${answer.status}, not a discovery document`, ISSUER_HINT),
      doc: null,
    };
  if (doc["issuer"] !== options.issuer)
    return {
      result: fail(
        `the discovery document's issuer is ${String(doc["issuer"])}, not CIS2_ISSUER`,
        "Set CIS2_ISSUER to the discovery document's issuer exactly (CIS2 keeps :443 in it): ID tokens are checked against it byte for byte.",
      ),
      doc,
    };
  const missing = ["authorization_endpoint", "token_endpoint", "jwks_uri"].filter(
    (k) => typeof doc[k] !== "string",
  );
  if (missing.length > 0)
    return { result: fail(`the discovery document has no ${missing.join(", ")}`, ISSUER_HINT), doc };
  const algs = doc["token_endpoint_auth_signing_alg_values_supported"];
  if (options.assertionAlg && Array.isArray(algs) && !algs.includes(options.assertionAlg))
    return {
      result: fail(
        `CIS2 does not accept ${options.assertionAlg} client assertions (it lists ${algs.join(", ")})`,
        "Set CIS2_SIGNING_ALG to an algorithm CIS2 lists, the one registered in Connection Manager (jwks_uri_signing_algorithm).",
      ),
      doc,
    };
  return { result: pass(`issuer matches; token endpoint ${printable(String(doc["token_endpoint"]))}`), doc };
}

async function jwksResult(doc: Discovery | null, timeoutMs: number): Promise<CheckResult> {
  const hint =
    "CIS2's jwks_uri must be reachable from this server (allow it through the proxy or firewall); without it no sign-in can be checked.";
  const jwksUri = doc?.["jwks_uri"];
  if (typeof jwksUri !== "string")
    return fail(
      "no JWKS address: the discovery document could not be read",
      `Fix cis2-discovery first. ${hint}`,
    );
  const answer = await probe(jwksUri, { timeoutMs });
  if (!answer.ok) return fail(`${printable(jwksUri)}: ${answer.problem}`, hint);
  const keys = (answer.json as { keys?: unknown } | null)?.keys;
  if (answer.status !== 200 || !Array.isArray(keys))
    return fail(`${printable(jwksUri)} answered HTTP ${answer.status}, not a JWK set`, hint);
  const signing = keys.filter((k) => {
    const key = k as { kty?: unknown; use?: unknown };
    return key.kty === "RSA" && (key.use === undefined || key.use === "sig");
  });
  if (signing.length === 0) return fail(`${printable(jwksUri)} holds no RSA signing key`, hint);
  return pass(`${signing.length} RSA signing key(s) at ${printable(jwksUri)}`);
}

/** `cis2-discovery` and `cis2-jwks`. */
export function cis2Checks(options: Cis2CheckOptions): DoctorCheck[] {
  const url = `${options.issuer}/.well-known/openid-configuration`;
  let discovery: Promise<{ result: CheckResult; doc: Discovery | null }> | undefined;
  const discover = () => {
    discovery ??= probe(url, { timeoutMs: options.timeoutMs }).then((answer) =>
      discoveryResult(url, answer, options),
    );
    return discovery;
  };
  return [
    { name: "cis2-discovery", run: async () => (await discover()).result },
    { name: "cis2-jwks", run: async () => jwksResult((await discover()).doc, options.timeoutMs) },
  ];
}
