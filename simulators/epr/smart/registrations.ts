/**
 * The SMART apps this EHR knows, as an EHR administrator registers them: the client id, where the
 * app is launched, its exact redirect URIs, how it authenticates at the token endpoint, and the
 * scopes it may ever be granted. By default one app, NCRS Connect, as a confidential asymmetric
 * client publishing its keys at its own JWKS URL.
 */

export type SmartClientAuth =
  | { method: "private_key_jwt"; jwksUri: string }
  | { method: "client_secret_basic"; secret: string };

export interface SmartAppRegistration {
  /** Default "ncrs-connect". */
  clientId: string;
  /** Where the EHR sends the browser with `iss` and `launch`; default `${ncrsConnectUrl}/smart/launch`. */
  launchUrl: string;
  /** Compared exactly; default [`${ncrsConnectUrl}/smart/callback`]. */
  redirectUris: string[];
  auth: SmartClientAuth;
  /** What the app may be granted; default SMART_DEFAULT_SCOPES. */
  scopes?: string[];
  /** The button's label on the patient page; default "Open NCRS Connect". */
  label?: string;
}

/** v2 and v1 spellings of the patient reads, plus the launch and identity scopes. */
export const SMART_DEFAULT_SCOPES: readonly string[] = [
  "launch",
  "openid",
  "fhirUser",
  "patient/Patient.rs",
  "patient/Patient.read",
  "patient/Encounter.rs",
  "patient/Encounter.read",
];

export function defaultSmartApp(ncrsConnectUrl: string): SmartAppRegistration {
  return {
    clientId: "ncrs-connect",
    launchUrl: `${ncrsConnectUrl}/smart/launch`,
    redirectUris: [`${ncrsConnectUrl}/smart/callback`],
    auth: { method: "private_key_jwt", jwksUri: `${ncrsConnectUrl}/.well-known/jwks.json` },
    scopes: [...SMART_DEFAULT_SCOPES],
  };
}

function httpUrl(value: string, what: string): void {
  const url = URL.parse(value);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.hash)
    throw new Error(`${what} must be an http(s) URL without a fragment: ${value}`);
}

/** Refuses a registration an EHR administrator could not save, so a test's typo shows at start. */
export function checkedApps(apps: readonly SmartAppRegistration[]): SmartAppRegistration[] {
  const ids = new Set<string>();
  for (const app of apps) {
    if (!/^[\w.-]{1,64}$/.test(app.clientId)) throw new Error(`SMART client id not allowed: ${app.clientId}`);
    if (ids.has(app.clientId)) throw new Error(`SMART client id registered twice: ${app.clientId}`);
    ids.add(app.clientId);
    httpUrl(app.launchUrl, `${app.clientId} launchUrl`);
    if (app.redirectUris.length === 0) throw new Error(`${app.clientId}: at least one redirect URI`);
    for (const uri of app.redirectUris) httpUrl(uri, `${app.clientId} redirect URI`);
    if (app.auth.method === "private_key_jwt") httpUrl(app.auth.jwksUri, `${app.clientId} jwksUri`);
    else if (app.auth.secret.length < 16) throw new Error(`${app.clientId}: secret of 16 characters or more`);
  }
  return apps.map((app) => ({ ...app, scopes: [...(app.scopes ?? SMART_DEFAULT_SCOPES)] }));
}

/** The registration without its secret, for the control API and logs. */
export function publicView(app: SmartAppRegistration): Record<string, unknown> {
  const auth = app.auth.method === "private_key_jwt" ? app.auth : { method: app.auth.method };
  return { ...app, auth };
}
