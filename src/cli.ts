/**
 * `npm run cli -- <command>`: operations that run beside the service (a second entry point that,
 * like main.ts, reads the environment).
 *
 *   keys list [store]      the keys and their status; store is cis2-client (the default: CIS2
 *                          client assertions), apim-client (NHS API platform assertions) or
 *                          smart-client (client assertions to SMART EHRs, SMART_EHRS)
 *   keys stage [store]     create a new key and publish it (not yet used for signing)
 *   keys activate [store]  sign with the staged key; the old one stays published as "previous"
 *   keys retire [store]    withdraw the previous key once its relying party has the change
 *   audit verify [--keys jwks.json]
 *                    check the whole audit chain and every signed checkpoint; names the first
 *                    broken record and exits 1 if anything does not hold
 *   events …         inspect and replay national change events (see src/events/events.cli.ts);
 *                    reads the service's whole configuration, and audits replays like the admin page
 *   api-client secret
 *                    a new client secret for a point-of-care system, and the SHA-256 that goes in
 *                    API_CLIENTS (give the secret to the system; configure only the hash)
 *   mns subscriptions list|create|delete
 *                    this application's MNS subscriptions (see src/national/mns/subscriptions.cli.ts)
 *   doctor           checks every configured national service, one line each with the fix;
 *                    exits 1 when one fails (src/composition/doctor.composition.ts)
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import type { JSONWebKeySet } from "jose";
import { verifyTrail } from "./audit/trail-verifier.ts";
import { buildAudit } from "./composition/audit.composition.ts";
import { doctorChecks } from "./composition/doctor.composition.ts";
import { buildEventAdmin } from "./composition/events.composition.ts";
import { buildMnsSubscriptions } from "./composition/mns.composition.ts";
import { SMART_KEY_STORE } from "./composition/smart.composition.ts";
import { loadConfig } from "./config/load-config.ts";
import { settings } from "./config/settings.ts";
import { createEventBus, type DomainEvents } from "./domain-events.ts";
import { EVENTS_USAGE, runEventsCommand } from "./events/events.cli.ts";
import { ASSERTION_ALG } from "./national/apim/client-assertion.ts";
import { PLATFORM_KEY_STORE } from "./national/apim/signing-keys.ts";
import { MNS_USAGE, runMnsCommand } from "./national/mns/subscriptions.cli.ts";
import { formatReport, runDoctor } from "./ops/doctor/doctor.ts";
import { systemClock } from "./platform/clock.ts";
import { KeyStore } from "./platform/key-store.ts";
import { createLogger } from "./platform/logger.ts";
import { randomToken } from "./platform/secrets.ts";
import { SqlCheckpointStore } from "./storage/audit-checkpoint.repository.ts";
import { SqlAuditRecordStore } from "./storage/audit-record.repository.ts";
import { SqlRetentionStore } from "./storage/audit-retention.repository.ts";
import { openDatabase } from "./storage/database.ts";
import { migrateToLatest } from "./storage/migrate.ts";

const USAGE = [
  "usage: npm run cli -- keys <list|stage|activate|retire> [cis2-client|apim-client|smart-client] | audit verify [--keys jwks.json] | api-client secret | doctor",
  EVENTS_USAGE,
  MNS_USAGE,
].join("\n");

function dataDir(): string {
  return settings.dataDir.schema.parse(process.env["DATA_DIR"] || settings.dataDir.default);
}

/** DATABASE_URL as the service reads it (the embedded database under DATA_DIR by default). */
function databaseUrl(): string {
  const configured = settings.databaseUrl.schema.parse(process.env["DATABASE_URL"] || undefined);
  return configured ?? `sqlite:${join(dataDir(), "ncrs-connect.db")}`;
}

/** Verifies the audit trail against the checkpoint keys under DATA_DIR or a JWK set given. */
async function auditVerify(args: readonly string[]): Promise<string> {
  const keysFile = args[0] === "--keys" ? args[1] : undefined;
  if (args.length > 0 && keysFile === undefined) throw new Error(USAGE);
  const publicKeys: JSONWebKeySet = keysFile
    ? (JSON.parse(readFileSync(keysFile, "utf8")) as JSONWebKeySet)
    : (await KeyStore.open(join(dataDir(), "keys"), "audit-checkpoint", "EdDSA")).publicJwks();
  const database = openDatabase(databaseUrl(), { poolMax: 2 });
  try {
    await migrateToLatest(database);
    const result = await verifyTrail({
      records: new SqlAuditRecordStore(database.db),
      checkpoints: new SqlCheckpointStore(database.db),
      retention: new SqlRetentionStore(database.db),
      publicKeys,
    });
    if (!result.ok) {
      const where =
        result.firstBrokenSequence === null ? "" : ` first broken record: ${result.firstBrokenSequence}.`;
      throw new Error(`AUDIT TRAIL DOES NOT VERIFY (${result.problem}):${where} ${result.detail}`);
    }
    const latest = result.latestCheckpoint;
    return [
      result.records === 0
        ? "audit trail verified: no records yet"
        : `audit trail verified: records ${result.firstSeq}–${result.lastSeq} (${result.records}) chain intact`,
      latest
        ? `${result.checkpoints} signed checkpoint(s) verified; latest covers ${latest.treeSize} records, issued ${latest.issuedAt}, root ${latest.rootHash}`
        : "warning: no signed checkpoint yet (the chain alone cannot show a cut-off tail)",
    ].join("\n");
  } finally {
    await database.close();
  }
}

/** Inspects or replays change events, with replays recorded in the audit trail. */
async function events(args: readonly string[]): Promise<string> {
  const config = loadConfig(process.env);
  const database = openDatabase(config.databaseUrl, { poolMax: 2 });
  const bus = createEventBus();
  const keysDir = join(config.dataDir, "keys");
  try {
    await migrateToLatest(database);
    const logger = createLogger("warn");
    const audit = await buildAudit({ config, database, events: bus, clock: systemClock, keysDir, logger });
    try {
      const admin = buildEventAdmin({
        database,
        ...(config.eventsPayloadKeys === undefined ? {} : { payloadKeys: config.eventsPayloadKeys }),
        indexer: audit.protection,
        keysDir,
        events: {
          emit: async (name, payload) => {
            await bus.emit(name, payload as DomainEvents[typeof name]);
          },
        },
        clock: systemClock,
      });
      return await runEventsCommand(admin, args, userInfo().username);
    } finally {
      await audit.close();
    }
  } finally {
    await database.close();
  }
}

/** This application's MNS subscriptions, with the service's configuration and platform key. */
async function mns(args: readonly string[]): Promise<string> {
  const config = loadConfig(process.env);
  const built = await buildMnsSubscriptions(config, join(config.dataDir, "keys"), systemClock);
  if (!built) throw new Error("MNS_API_BASE_URL: not set, so there are no MNS subscriptions to manage");
  return runMnsCommand(built, args);
}

/** Every configured national service checked; exit status 1 when a check fails. */
async function doctor(): Promise<string> {
  const config = loadConfig(process.env);
  const report = await runDoctor(await doctorChecks(config, join(config.dataDir, "keys"), systemClock));
  if (!report.ok) process.exitCode = 1;
  return formatReport(report);
}

/** A new API client secret and the hash to configure. */
function apiClientSecret(): string {
  const secret = randomToken();
  const hash = createHash("sha256").update(secret).digest("hex");
  return [`secret (give it to the system, once): ${secret}`, `secretSha256 (for API_CLIENTS): ${hash}`].join(
    "\n",
  );
}

/** The key store a `keys` command works on: CIS2's (the default), the NHS API platform's or EHRs'. */
async function keyStore(name: string | undefined): Promise<KeyStore> {
  const keysDir = join(dataDir(), "keys");
  if (name === PLATFORM_KEY_STORE) {
    const bits = settings.apimKeyBits.schema.parse(
      process.env["APIM_KEY_BITS"] || settings.apimKeyBits.default,
    );
    return KeyStore.open(keysDir, PLATFORM_KEY_STORE, ASSERTION_ALG, "sig", bits);
  }
  if (name === SMART_KEY_STORE) {
    const alg = settings.smartSigningAlg.schema.parse(
      process.env["SMART_SIGNING_ALG"] || settings.smartSigningAlg.default,
    );
    return KeyStore.open(keysDir, SMART_KEY_STORE, alg);
  }
  if (name !== undefined && name !== "cis2-client") throw new Error(USAGE);
  const alg = settings.cis2SigningAlg.schema.parse(
    process.env["CIS2_SIGNING_ALG"] || settings.cis2SigningAlg.default,
  );
  return KeyStore.open(keysDir, "cis2-client", alg);
}

async function keys(command: string | undefined, storeName: string | undefined): Promise<string> {
  const store = await keyStore(storeName);
  switch (command) {
    case "list":
      return store
        .list()
        .map((k) => `${k.status.padEnd(8)} ${k.kid} ${k.alg} created ${k.createdAt}`)
        .join("\n");
    case "stage":
      return `staged ${await store.stage()}: published at /.well-known/jwks.json, not yet signing${
        storeName === PLATFORM_KEY_STORE
          ? "; wait at least an hour (the NHS API platform keeps our keys that long) before activating"
          : ""
      }`;
    case "activate":
      return `active ${store.activate()}: now signing; the previous key stays published until retired`;
    case "retire":
      return `retired ${store.retire()}`;
    default:
      throw new Error(USAGE);
  }
}

async function run(args: readonly string[]): Promise<string> {
  const [area, command, ...rest] = args;
  if (area === "keys" && rest.length <= 1) return keys(command, rest[0]);
  if (area === "audit" && command === "verify") return auditVerify(rest);
  if (area === "events") return events(args.slice(1));
  if (area === "api-client" && command === "secret") return apiClientSecret();
  if (area === "mns") return mns(args.slice(1));
  if (area === "doctor" && command === undefined) return doctor();
  throw new Error(USAGE);
}

run(process.argv.slice(2)).then(
  (output) => {
    process.stdout.write(`${output}\n`);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
