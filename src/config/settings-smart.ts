/**
 * SMART on FHIR EHR launch (docs/adr/0018-smart-on-fhir-ehr-launch.md): the EHRs that may launch
 * NCRS Connect as a SMART app, and how long what a launch needs is kept.
 */
import { z } from "zod";
import { positiveInt, setting } from "./setting.ts";

const ehr = z
  .strictObject({
    /** Our name for the EHR: in audit records, metrics and as the hand-over's sending system. */
    id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "an id of letters, digits, . _ and -"),
    /** What users and support staff are shown. */
    name: z.string().min(1).max(100),
    /** The EHR's FHIR base URL, exactly as it sends it in `iss`. */
    iss: z.url({ protocol: /^https?$/ }),
    /** Our client id at the EHR's authorization server. */
    clientId: z.string().min(1).max(200),
    clientAuth: z.enum(["private_key_jwt", "client_secret_basic"]).default("private_key_jwt"),
    /** Only for client_secret_basic. */
    clientSecret: z.string().min(16).optional(),
    /** Also ask for the launch's encounter (`patient/Encounter.rs`) and read it. */
    encounter: z.boolean().default(false),
    /**
     * How the EHR's user (`fhirUser`) is compared with the signed-in CIS2 user: `none`; `id` (the
     * fhirUser resource's id is the user's CIS2 user id); `identifier` (the fhirUser resource is
     * read, and its identifier of `fhirUserSystem` is the CIS2 user id).
     */
    fhirUserMatch: z.enum(["none", "id", "identifier"]).default("none"),
    fhirUserSystem: z.url().default("https://fhir.nhs.uk/Id/sds-user-id"),
  })
  .refine((e) => e.clientAuth !== "client_secret_basic" || e.clientSecret !== undefined, {
    message: "client_secret_basic needs a clientSecret",
  });

export type SmartEhrSetting = z.output<typeof ehr>;

export const smartSettings = {
  smartEhrs: setting({
    env: "SMART_EHRS",
    group: "SMART on FHIR",
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
      .pipe(z.array(ehr)),
    default: "[]",
    description:
      'The EHRs that may launch NCRS Connect as a SMART app (SMART App Launch 2.x, EHR launch), as JSON: `[{"id":"riverside","name":"Riverside EPR","iss":"https://ehr.example/fhir","clientId":"<our client id there>","clientAuth":"private_key_jwt","encounter":true,"fhirUserMatch":"identifier"}]`. A launch whose `iss` is not listed is refused and never fetched. `clientAuth` is `private_key_jwt` (our key, published at `/.well-known/jwks.json`; the default) or `client_secret_basic` (with `clientSecret`). `fhirUserMatch` (`none`, `id`, `identifier` with `fhirUserSystem`, default `https://fhir.nhs.uk/Id/sds-user-id`) says how the EHR\'s user is compared with the signed-in CIS2 user; a mismatch is refused. URLs must be https unless DEV_ALLOW_HTTP is on. See docs/guides/smart-on-fhir.md.',
  }),
  smartDiscoveryCacheSeconds: setting({
    env: "SMART_DISCOVERY_CACHE_SECONDS",
    group: "SMART on FHIR",
    schema: positiveInt.max(86_400),
    default: "3600",
    description:
      "How long an EHR's `.well-known/smart-configuration` is kept before it is read again (a failed read is never kept).",
  }),
  smartStateSeconds: setting({
    env: "SMART_STATE_SECONDS",
    group: "SMART on FHIR",
    schema: positiveInt.max(1800),
    default: "600",
    description:
      "How long a SMART launch may take: from the EHR's launch to its authorization answer (the `state`), and from there to the user being signed in to NCRS Connect. Each is single use.",
  }),
  smartHttpTimeoutMs: setting({
    env: "SMART_HTTP_TIMEOUT_MS",
    group: "SMART on FHIR",
    schema: positiveInt.max(30_000),
    default: "5000",
    description: "How long one call to an EHR (discovery, token, FHIR read) may take.",
  }),
  smartSigningAlg: setting({
    env: "SMART_SIGNING_ALG",
    group: "SMART on FHIR",
    schema: z.enum(["ES384", "RS384"]),
    default: "ES384",
    description:
      "The algorithm of our key for `private_key_jwt` client assertions to EHRs (SMART asks EHRs to support ES384 and RS384). The key is made under DATA_DIR/keys on first use and rotated with `npm run cli -- keys <stage|activate|retire> smart-client`.",
  }),
} as const;
