/** Settings of reading PDS and of the patient context it verifies (groups "PDS" and "Patients"). */
import { z } from "zod";
import { httpUrl, nonNegativeInt, positiveInt, setting } from "./setting.ts";

export const nationalSettings = {
  pdsBaseUrl: setting({
    env: "PDS_BASE_URL",
    group: "PDS",
    schema: httpUrl,
    description:
      "PDS FHIR R4 base URL (INT: `https://int.api.service.nhs.uk/personal-demographics/FHIR/R4`). `npm start` points it at the simulator.",
  }),
  pdsAccessToken: setting({
    env: "PDS_ACCESS_TOKEN",
    group: "PDS",
    schema: z.string().min(1).optional(),
    secret: true,
    description:
      "Bearer token sent to PDS as it is, with PDS_AUTH=static (or PDS_AUTH unset): a token obtained elsewhere, e.g. for a short manual test against INT. It is never renewed.",
  }),
  pdsEndUserOds: setting({
    env: "PDS_END_USER_ODS",
    group: "PDS",
    schema: z
      .string()
      .regex(/^[A-Z0-9]{3,6}$/, "an ODS code")
      .optional(),
    description:
      "Sent as NHSD-End-User-Organisation-ODS (mandatory when one application serves several organisations).",
  }),
  pdsTimeoutMs: setting({
    env: "PDS_TIMEOUT_MS",
    group: "PDS",
    schema: positiveInt,
    default: "3000",
    description: "Timeout of each call to PDS.",
  }),
  pdsRatePerSecond: setting({
    env: "PDS_RATE_LIMIT_PER_SECOND",
    group: "PDS",
    schema: positiveInt,
    default: "5",
    description:
      "Most calls sent to PDS in any second, retries included (PDS's default limit is 5 per application).",
  }),
  pdsMaxQueueWaitMs: setting({
    env: "PDS_MAX_QUEUE_WAIT_MS",
    group: "PDS",
    schema: nonNegativeInt,
    default: "10000",
    description: "How long a check may wait for its turn under the rate limit before failing with pds.busy.",
  }),
  pdsMaxAttempts: setting({
    env: "PDS_MAX_ATTEMPTS",
    group: "PDS",
    schema: z.coerce.number().int().min(1).max(6),
    default: "2",
    description:
      "Attempts per read (429, 503, timeouts and network failures are retried with backoff; the X-Request-ID stays the same).",
  }),
  pdsMaxRetryWaitMs: setting({
    env: "PDS_MAX_RETRY_WAIT_MS",
    group: "PDS",
    schema: nonNegativeInt,
    default: "5000",
    description:
      "Longest wait before a retry. A Retry-After longer than this ends the read at once (a clinician is waiting; they can try again).",
  }),
  pdsCacheSeconds: setting({
    env: "PDS_CACHE_SECONDS",
    group: "PDS",
    schema: nonNegativeInt,
    default: "60",
    description: "How long a PDS answer is reused for pages (a check with PDS always asks again).",
  }),
  pdsCircuitFailures: setting({
    env: "PDS_CIRCUIT_FAILURES",
    group: "PDS",
    schema: positiveInt,
    default: "5",
    description: "Consecutive failed reads after which calls to PDS pause.",
  }),
  pdsCircuitResetSeconds: setting({
    env: "PDS_CIRCUIT_RESET_SECONDS",
    group: "PDS",
    schema: positiveInt,
    default: "30",
    description: "How long calls to PDS pause before one trial call.",
  }),

  patientContextTtlSeconds: setting({
    env: "PATIENT_CONTEXT_TTL_SECONDS",
    group: "Patients",
    schema: positiveInt,
    default: "1800",
    description: "How long a patient selection stays usable without activity on it.",
  }),
  verificationStaleSeconds: setting({
    env: "VERIFICATION_STALE_SECONDS",
    group: "Patients",
    schema: positiveInt,
    default: "86400",
    description: "After this long a verified NHS number needs checking with PDS again.",
  }),
  pdsCheckTtlSeconds: setting({
    env: "PDS_CHECK_TTL_SECONDS",
    group: "Patients",
    schema: positiveInt,
    default: "900",
    description: "How long after a check with PDS its result may be confirmed.",
  }),
} as const;
