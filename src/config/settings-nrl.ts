/**
 * Records held elsewhere (NRL, docs/adr/0022-records-held-elsewhere.md): where NRL is, how it is
 * called, how long its answers are kept, which pointer types each role and organisation sees,
 * and whose "seen" decides what is new.
 */
import { z } from "zod";
import { httpUrl, positiveInt, setting } from "./setting.ts";

function json<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON" });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

const snomed = z.string().regex(/^(\d{6,18}|\*)$/, "a SNOMED CT code or *");
const rule = z.strictObject({
  types: z.array(snomed).min(1),
  activityCodes: z.array(z.string().regex(/^B\d{4}$/, "an RBAC activity code")).optional(),
  odsCodes: z.array(z.string().regex(/^[A-Z0-9]{3,10}$/, "an ODS code")).optional(),
});

export const nrlSettings = {
  nrlBaseUrl: setting({
    env: "NRL_BASE_URL",
    group: "NRL",
    schema: httpUrl.optional(),
    description:
      'NRL consumer FHIR R4 base URL (INT: `https://int.api.service.nhs.uk/record-locator/consumer/FHIR/R4`). Unset: the patient page has no "Records held elsewhere" panel. `npm start` points it at the simulator.',
  }),
  nrlAuth: setting({
    env: "NRL_AUTH",
    group: "NRL",
    schema: z.enum(["none", "application"]),
    default: "application",
    description:
      "How NRL is authenticated: `application` (the NHS API platform's application-restricted tokens, with the APIM_* settings, as PDS_AUTH=application) or `none` (the open sandbox).",
  }),
  nrlSearchMethod: setting({
    env: "NRL_SEARCH_METHOD",
    group: "NRL",
    schema: z.enum(["POST", "GET"]),
    default: "POST",
    description:
      "`POST` searches with `/DocumentReference/_search` (NRL's preferred: no NHS number in a URL); `GET` with query parameters.",
  }),
  nrlTimeoutMs: setting({
    env: "NRL_TIMEOUT_MS",
    group: "NRL",
    schema: positiveInt.max(30_000),
    default: "3000",
    description: "Timeout of each call to NRL.",
  }),
  nrlRatePerSecond: setting({
    env: "NRL_RATE_LIMIT_PER_SECOND",
    group: "NRL",
    schema: positiveInt,
    default: "5",
    description: "Most calls sent to NRL in any second, retries included (as agreed at onboarding).",
  }),
  nrlMaxAttempts: setting({
    env: "NRL_MAX_ATTEMPTS",
    group: "NRL",
    schema: z.coerce.number().int().min(1).max(5),
    default: "2",
    description:
      "Attempts per call (429, 5xx, time-outs and network failures are retried; the X-Request-ID stays the same).",
  }),
  nrlCircuitFailures: setting({
    env: "NRL_CIRCUIT_FAILURES",
    group: "NRL",
    schema: positiveInt,
    default: "5",
    description:
      "Failed calls in a row after which NRL is not called for NRL_CIRCUIT_RESET_SECONDS (pages say so at once).",
  }),
  nrlCircuitResetSeconds: setting({
    env: "NRL_CIRCUIT_RESET_SECONDS",
    group: "NRL",
    schema: positiveInt,
    default: "30",
    description: "How long the circuit stays open before one trial call.",
  }),
  nrlPageWaitMs: setting({
    env: "NRL_PAGE_WAIT_MS",
    group: "NRL",
    schema: z.coerce.number().int().min(0).max(5000),
    default: "300",
    description:
      'How long the patient page waits for NRL when its cache is not fresh. Past it the page is sent with "Checking NRL…" and the list arrives after (with JavaScript), or on the next view (without).',
  }),
  nrlCacheSeconds: setting({
    env: "NRL_CACHE_SECONDS",
    group: "NRL",
    schema: positiveInt.max(86_400),
    default: "300",
    description:
      "How long an answer of NRL (pointer metadata only, never documents) is shown without asking NRL again.",
  }),
  nrlCacheSecondsByType: setting({
    env: "NRL_CACHE_SECONDS_BY_TYPE",
    group: "NRL",
    schema: json(z.record(snomed, positiveInt.max(86_400))),
    default: "{}",
    description:
      'Shorter times to live for answers holding pointers of some types, as JSON `{"<SNOMED type>": seconds}`, e.g. `{"1363501000000100": 60}` for NEWS2 charts. An answer lives as long as the shortest of its pointers\' types allows.',
  }),
  nrlPointerTypes: setting({
    env: "NRL_POINTER_TYPES",
    group: "NRL",
    schema: json(z.array(rule)),
    default: '[{"types":["*"]}]',
    description:
      'Which pointer types each role and organisation sees, as JSON rules `[{"types":["736253002","1382601000000107"],"activityCodes":["B0380"],"odsCodes":["RX4"]}]`: a rule applies when the role has one of its activity codes (or it lists none) and the organisation is one of its ODS codes (or it lists none); a user sees the types of every rule that applies (`*`: all). No rule applying: no pointer is shown, only how many are held.',
  }),
  nrlSeenBy: setting({
    env: "NRL_SEEN_BY",
    group: "NRL",
    schema: z.enum(["user", "organisation"]),
    default: "user",
    description:
      '"New document available" is for pointers this `user` has not seen for the patient, or that nobody in the user\'s `organisation` has.',
  }),
};

/** Settings that only make sense together, said as problems to fix before start. */
export function nrlProblems(c: {
  readonly nrlBaseUrl?: string | undefined;
  readonly nrlAuth: "none" | "application";
  readonly apimTokenUrl?: string | undefined;
  readonly apimApiKey?: string | undefined;
  readonly allowInsecureHttp: boolean;
}): string[] {
  if (!c.nrlBaseUrl) return [];
  const problems: string[] = [];
  if (c.nrlBaseUrl.startsWith("http:") && !c.allowInsecureHttp)
    problems.push("NRL_BASE_URL: an http URL needs DEV_ALLOW_HTTP=true (local simulator only)");
  if (c.nrlAuth === "application" && (!c.apimTokenUrl || !c.apimApiKey))
    problems.push("NRL_AUTH: application needs APIM_TOKEN_URL and APIM_API_KEY");
  return problems;
}
