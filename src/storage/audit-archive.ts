/**
 * Archive files of pruned audit records: gzip-compressed NDJSON, one stored record a line, then
 * one `{"manifest": …}` line with the range, the hashes the chain continues from and the signed
 * checkpoint of the tree at its end. Written to a temporary name, synced to disk, then renamed, so
 * a file under its final name is always complete; its SHA-256 goes beside it in `<name>.sha256`
 * (the `sha256sum -c` format) and into the database with the prune.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import type { ArchiveManifest, AuditArchive } from "../audit/audit.ports.ts";

const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

function syncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class FileAuditArchive implements AuditArchive {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async write(name: string, lines: AsyncIterable<string>, manifest: () => Promise<ArchiveManifest>) {
    if (!SAFE_NAME.test(name)) throw new TypeError(`unsafe archive name ${name}`);
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    const path = join(this.#dir, name);
    const temporary = `${path}.partial`;
    const digest = createHash("sha256");
    let bytes = 0;
    async function* withManifest() {
      for await (const line of lines) yield `${line}\n`;
      yield `${JSON.stringify({ manifest: await manifest() })}\n`;
    }
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        digest.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(
      Readable.from(withManifest()),
      createGzip(),
      count,
      createWriteStream(temporary, { mode: 0o600 }),
    );
    syncPath(temporary);
    renameSync(temporary, path);
    const sha256 = digest.digest("hex");
    writeFileSync(`${path}.sha256`, `${sha256}  ${name}\n`, { mode: 0o600 });
    syncPath(`${path}.sha256`);
    syncPath(this.#dir);
    return { name, sha256, bytes };
  }
}

/** Reads an archive back: its record lines and its manifest (for verification and tests). */
export async function readArchive(
  path: string,
): Promise<{ readonly lines: string[]; readonly manifest: ArchiveManifest; readonly sha256: string }> {
  const digest = createHash("sha256");
  const raw = createReadStream(path);
  raw.on("data", (chunk) => digest.update(chunk as Buffer));
  const chunks: Buffer[] = [];
  const gunzip = raw.pipe(createGunzip());
  for await (const chunk of gunzip) chunks.push(chunk as Buffer);
  const lines = Buffer.concat(chunks).toString("utf8").split("\n").filter(Boolean);
  const last = JSON.parse(lines.pop() ?? "{}") as { manifest?: ArchiveManifest };
  if (!last.manifest) throw new Error(`${path} has no manifest line`);
  return { lines, manifest: last.manifest, sha256: digest.digest("hex") };
}
