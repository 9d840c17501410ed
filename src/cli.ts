/**
 * `npm run cli -- <command>`: operations that run beside the service (a second entry point that,
 * like main.ts, reads the environment).
 *
 *   keys list        the CIS2 client-assertion keys and their status
 *   keys stage       create a new key and publish it (not yet used for signing)
 *   keys activate    sign with the staged key; the old one stays published as "previous"
 *   keys retire      withdraw the previous key once CIS2 has picked up the change
 */
import { join } from "node:path";
import { settings } from "./config/settings.ts";
import { KeyStore } from "./platform/key-store.ts";

const USAGE = "usage: npm run cli -- keys <list|stage|activate|retire>";

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
  const [area, command] = args;
  if (area === "keys") return keys(command);
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
