/** Settings of "Open in NCRS" (group "NCRS launch"). */
import { z } from "zod";
import { bool, list, nonNegativeInt, positiveInt, setting } from "./setting.ts";

export const launchSettings = {
  ncrsLaunchTemplate: setting({
    env: "NCRS_LAUNCH_TEMPLATE",
    group: "NCRS launch",
    schema: z.string().min(1),
    description:
      "The NCRS deep link issued to suppliers at onboarding, with `{nhsNumber}` where the verified NHS number goes (and any of `{odsCode}`, `{roleId}`, `{userId}`), e.g. `https://…/launch?nhsNumber={nhsNumber}`. Must be https unless DEV_ALLOW_HTTP is on. Checked at start.",
  }),
  ncrsRedirectOrigins: setting({
    env: "NCRS_REDIRECT_ORIGINS",
    group: "NCRS launch",
    schema: list.pipe(z.array(z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin))),
    default: "",
    description:
      "Further origins the browser passes through when NCRS signs the user in after a launch, comma-separated. The launch is a form post redirected to NCRS, and browsers apply our `form-action` policy to every redirect after it, so NCRS's origin and CIS2's issuer origin are allowed already; add any other (a gateway, say) here.",
  }),
  ncrsWindowName: setting({
    env: "NCRS_WINDOW_NAME",
    group: "NCRS launch",
    schema: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "must be a browser window name (letters, digits, - and _)"),
    default: "ncrs",
    description: "Name of the browser tab NCRS opens in, so repeated launches reuse one NCRS tab.",
  }),
  ncrsTabReuse: setting({
    env: "NCRS_TAB_REUSE",
    group: "NCRS launch",
    schema: bool,
    default: "true",
    description:
      "Whether every launch goes into the one named NCRS tab (true), or each opens a tab of its own cut off from ours (false). Reuse keeps the NCRS tab in our pages' browsing context group (Cross-Origin-Opener-Policy `same-origin-allow-popups` on every page of ours, `unsafe-none` on the launch redirect, no `rel=noopener`), so NCRS's tab can reach ours through `window.opener`; NCRS is a national service we trust. If NCRS itself sends `Cross-Origin-Opener-Policy: same-origin`, browsers cut the tab off anyway and each launch opens a new one. See ADR 10.",
  }),
  launchIdTtlSeconds: setting({
    env: "LAUNCH_ID_TTL_SECONDS",
    group: "NCRS launch",
    schema: positiveInt.max(86_400),
    default: "900",
    description: 'How long an issued launch id (behind each "Open in NCRS" button) may be used.',
  }),
  launchDuplicateWindowSeconds: setting({
    env: "LAUNCH_DUPLICATE_WINDOW_SECONDS",
    group: "NCRS launch",
    schema: nonNegativeInt.max(300),
    default: "5",
    description:
      "A second launch for the same patient from the same session within this time is refused as a duplicate (double click); the same launch id again gets the same redirect. 0 lets every launch through (load tests only; the check still runs).",
  }),
  launchBusySeconds: setting({
    env: "LAUNCH_BUSY_SECONDS",
    group: "NCRS launch",
    schema: positiveInt.max(60),
    default: "5",
    description: 'How long the button shows "Launching NCRS…" and stays disabled after a click.',
  }),
  launchNcrsWaitSeconds: setting({
    env: "LAUNCH_NCRS_WAIT_SECONDS",
    group: "NCRS launch",
    schema: positiveInt.max(120),
    default: "8",
    description:
      'How long after a click the page waits for NCRS to answer in its tab before it says "NCRS is taking longer than usual: don\'t click again" (and records that NCRS had not answered). The button stays disabled until NCRS answers, or for a minute at most.',
  }),
  contentDir: setting({
    env: "CONTENT_DIR",
    group: "NCRS launch",
    schema: z.string().min(1),
    default: "./content",
    description:
      "Folder of editable content: launch help and wording per organisation (`launch-help/<ODS code>/`, falling back to `launch-help/default/`; see content/README.md).",
  }),
  apiClients: setting({
    env: "API_CLIENTS",
    group: "API clients",
    schema: z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: "custom", message: "must be JSON" });
          return z.NEVER;
        }
      })
      .pipe(
        z.array(
          z.strictObject({
            id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "an id of letters, digits, . _ and -"),
            secretSha256: z.string().regex(/^[0-9a-f]{64}$/, "the SHA-256 of the secret, 64 hex digits"),
            redirectUris: z.array(z.url({ protocol: /^https?$/ })).min(1),
            /** What its bearer tokens may do; a token asks for some or all of these. */
            scopes: z
              .array(z.enum(["launch", "patient-context"]))
              .min(1)
              .default(["launch"]),
            /** Where its public keys for signed context launches are (JWKS), or the keys themselves. */
            jwksUri: z.url({ protocol: /^https?$/ }).optional(),
            jwks: z.strictObject({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }).optional(),
          }),
        ),
      ),
    default: "[]",
    description:
      'Point-of-care systems that may act for signed-in users through `/oauth/authorize` and `/oauth/token`, as JSON: `[{"id":"riverside-epr","secretSha256":"<hex SHA-256 of its secret>","redirectUris":["https://…"],"scopes":["launch","patient-context"],"jwksUri":"https://…/jwks.json"}]`. `scopes` (default `["launch"]`) is what its tokens may be granted: `launch` for `POST /api/v1/launches`, `patient-context` for `POST /api/v1/patient-contexts`. `jwksUri` (or an inline `jwks`) holds the public keys its signed context launches are checked with. `npm run cli -- api-client secret` makes a secret and its hash. Redirect URIs and JWKS URIs must be https unless DEV_ALLOW_HTTP is on.',
  }),
  contextLaunchSkewSeconds: setting({
    env: "CONTEXT_LAUNCH_SKEW_SECONDS",
    group: "API clients",
    schema: nonNegativeInt.max(60),
    default: "60",
    description:
      "How far a signed context launch's `iat` and `exp` may be from our clock, for the sending system's clock being a little off (60 at most). Its used `jti` is kept until `exp` plus this. See ADR 17.",
  }),
  contextLaunchJwksCooldownSeconds: setting({
    env: "CONTEXT_LAUNCH_JWKS_COOLDOWN_SECONDS",
    group: "API clients",
    schema: positiveInt.max(300),
    default: "30",
    description:
      "A signed context launch with a key id we have not seen fetches the system's `jwksUri` again (that is how its keys rotate without a restart), but not more often than this per system, so unknown key ids cannot make us hammer its server.",
  }),
  apiTokenTtlSeconds: setting({
    env: "API_TOKEN_TTL_SECONDS",
    group: "API clients",
    schema: positiveInt.max(43_200),
    default: "3600",
    description:
      "How long a bearer token issued to an API client lasts (never longer than the session it acts for: a token stops working when its user's session ends).",
  }),
} as const;
