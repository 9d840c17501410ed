/**
 * `npm run cli -- <command>`: operations that run beside the service (a second entry point that,
 * like main.ts, reads the environment).
 *
 *   keys list        the CIS2 client-assertion keys and their status
 *   keys stage       create a new key and publish it (not yet used for signing)
 *   keys activate    sign with the staged key; the old one stays published as "previous"
 *   keys retire      withdraw the previous key once CIS2 has picked up the change
 *   audit verify [--keys jwks.json]
 *                    check the whole audit chain and every signed checkpoint; names the first
 *                    broken record and exits 1 if anything does not hold
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { JSONWebKeySet } from "jose";
import { verifyTrail } from "./audit/trail-verifier.ts";
import { settings } from "./config/settings.ts";
import { KeyStore } from "./platform/key-store.ts";
import { SqlCheckpointStore } from "./storage/audit-checkpoint.repository.ts";
import { SqlAuditRecordStore } from "./storage/audit-record.repository.ts";
import { SqlRetentionStore } from "./storage/audit-retention.repository.ts";
import { openDatabase } from "./storage/database.ts";
import { migrateToLatest } from "./storage/migrate.ts";

const USAGE = "usage: npm run cli -- keys <list|stage|activate|retire> | audit verify [--keys jwks.json]";

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

async function keys(command: string | undefined): Promise<string> {
  const dataDir = settings.dataDir.schema.parse(process.env["DATA_DIR"] || settings.dataDir.default);
  const alg = settings.cis2SigningAlg.schema.parse(
    process.env["CIS2_SIGNING_ALG"] || settings.cis2SigningAlg.default,
  );
  const store = await KeyStore.open(join(dataDir, "keys"), "cis2-client", alg);
  switch (command) {
    case "list":
      return store
        .list()
        .map((k) => `${k.status.padEnd(8)} ${k.kid} ${k.alg} created ${k.createdAt}`)
        .join("\n");
    case "stage":
      return `staged ${await store.stage()}: published at /.well-known/jwks.json, not yet signing`;
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
  if (area === "keys") return keys(command);
  if (area === "audit" && command === "verify") return auditVerify(rest);
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
