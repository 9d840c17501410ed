/** Settings of the audit trail (group "Audit"). */
import { z } from "zod";
import { keyList, nonNegativeInt, positiveInt, setting } from "./setting.ts";

export const auditSettings = {
  auditEncryptionKeys: setting({
    env: "AUDIT_NHS_NUMBER_ENCRYPTION_KEYS",
    group: "Audit",
    schema: keyList,
    secret: true,
    description:
      "AES-256-GCM keys for NHS numbers in audit records and in the operational tables (patients, PDS checks, launches; ADR 14), as `id:key,id:key` (key: 32 random bytes, base64url). The last encrypts; all decrypt, so rotate by appending a key and never remove one while records or rows use it. Generated under DATA_DIR (id `local`) when unset; set it (the same on every instance) when running several.",
  }),
  auditIndexKeys: setting({
    env: "AUDIT_NHS_NUMBER_INDEX_KEYS",
    group: "Audit",
    schema: keyList,
    secret: true,
    description:
      "HMAC keys of the blind index that makes audit records, change events and local patients findable by NHS number, as for the encryption keys: the last indexes new records, lookups use all. Generated under DATA_DIR when unset.",
  }),
  auditBatchMax: setting({
    env: "AUDIT_BATCH_MAX",
    group: "Audit",
    schema: positiveInt.max(5000),
    default: "256",
    description:
      "Most audit records committed in one transaction (group commit). Under load every commit carries this many; alone, a record commits at once.",
  }),
  auditBatchLingerMs: setting({
    env: "AUDIT_BATCH_LINGER_MS",
    group: "Audit",
    schema: nonNegativeInt.max(1000),
    default: "0",
    description:
      "How long an idle audit writer waits to gather a batch before committing. 0 commits at once; records arriving during a commit always share the next one.",
  }),
  auditCheckpointSeconds: setting({
    env: "AUDIT_CHECKPOINT_INTERVAL_SECONDS",
    group: "Audit",
    schema: positiveInt,
    default: "60",
    description:
      "How often a signed checkpoint of the audit trail's Merkle tree is made (when the trail has grown).",
  }),
  auditCheckpointOrigin: setting({
    env: "AUDIT_CHECKPOINT_ORIGIN",
    group: "Audit",
    schema: z
      .string()
      .regex(/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/, "must be one line of printable ASCII")
      .optional(),
    description:
      "The trail's name in every checkpoint. Defaults to `<PUBLIC_URL host>/audit`; keep it stable.",
  }),
  auditRetentionDays: setting({
    env: "AUDIT_RETENTION_DAYS",
    group: "Audit",
    schema: nonNegativeInt,
    default: "2922",
    description:
      "Audit records older than this many days are archived to a checksummed file and then pruned from the database (0: never). The default is 8 years.",
  }),
  auditRetentionCheckHours: setting({
    env: "AUDIT_RETENTION_CHECK_HOURS",
    group: "Audit",
    schema: positiveInt,
    default: "24",
    description: "How often the retention job looks for records due for archiving.",
  }),
  auditArchiveDir: setting({
    env: "AUDIT_ARCHIVE_DIR",
    group: "Audit",
    schema: z.string().min(1).optional(),
    description: "Folder for audit archive files (`DATA_DIR/audit-archive` when unset). Back it up.",
  }),
  auditExportMaxDays: setting({
    env: "AUDIT_EXPORT_MAX_DAYS",
    group: "Audit",
    schema: positiveInt.max(3660),
    default: "31",
    description: "Longest period one FHIR AuditEvent export may cover.",
  }),
} as const;
