/**
 * Retention on both dialects: records past the period are archived to a compressed, checksummed
 * file with a signed checkpoint, and only then pruned through the permitted path; the chain and
 * later checkpoints still verify across the cut, and proofs for retained records still work.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/audit/canonical-json.ts";
import { verifyCheckpoint } from "../../src/audit/checkpoint-signature.ts";
import { verifyChain } from "../../src/audit/hash-chain.ts";
import { verifyConsistency, verifyInclusion } from "../../src/audit/merkle.ts";
import { readArchive } from "../../src/storage/audit-archive.ts";
import { dialects } from "../support/databases.ts";
import { type AuditFixture, entry, openAuditFixture } from "./audit-fixture.ts";

const DAY = 86_400_000;
const b = (s: string) => Buffer.from(s, "base64");

describe.each(dialects)("audit retention (%s)", (dialect) => {
  let audit: AuditFixture;
  beforeEach(async () => {
    audit = await openAuditFixture(dialect, { batchMax: 250 });
  });
  afterEach(async () => {
    await audit.close();
  });

  it("archives, then prunes, and the trail still verifies across the cut", async () => {
    await Promise.all(
      Array.from({ length: 600 }, (_, i) => audit.trail.append(entry({ correlationId: `old-${i}` }))),
    );
    const before = await audit.checkpoints.checkpoint();
    audit.clock.advance(3 * DAY);
    expect(await audit.retention(2).due()).toEqual({ fromSeq: 1, upToSeq: 512 });

    const pruned = await audit.retention(2).run();
    expect(pruned).toMatchObject({ fromSeq: 1, upToSeq: 512, records: 512 });
    const path = join(audit.archiveDir, pruned?.archive as string);
    const archive = await readArchive(path);
    expect(archive.sha256).toBe(pruned?.archiveSha256);
    expect(readFileSync(`${path}.sha256`, "utf8")).toBe(`${archive.sha256}  ${pruned?.archive}\n`);
    expect(createHash("sha256").update(readFileSync(path)).digest("hex")).toBe(archive.sha256);
    expect(archive.lines).toHaveLength(512);
    expect(archive.manifest).toMatchObject({ fromSeq: 1, toSeq: 512, records: 512, previousHash: null });
    expect(await verifyCheckpoint(archive.manifest.checkpoint, audit.publicKeys)).toBe(true);
    const archived = archive.lines.map(
      (line) => JSON.parse(line) as { seq: number; hash: string; record: unknown },
    );
    const chain = verifyChain(
      archived.map((a) => ({ sequence: a.seq, canonical: canonicalJson(a.record), hash: b(a.hash) })),
    );
    expect(chain.ok && Buffer.from(chain.lastHash).toString("base64")).toBe(archive.manifest.lastHash);

    expect(await audit.records.firstSeq()).toBe(513);
    expect(await audit.verify()).toMatchObject({ ok: true, firstSeq: 513, lastSeq: 600, records: 88 });
    await audit.trail.append(entry({ correlationId: "new" }));
    const after = await audit.checkpoints.checkpoint();
    expect(await audit.verify()).toMatchObject({ ok: true, lastSeq: 601 });

    const inclusion = await audit.checkpoints.inclusion(600);
    expect(typeof inclusion).toBe("object");
    if (typeof inclusion === "object") {
      expect(
        verifyInclusion({
          leafIndex: 599,
          treeSize: 601,
          leafHash: b(inclusion.leafHash),
          proof: inclusion.proof.map(b),
          root: b(after?.rootHash as string),
        }),
      ).toBe(true);
    }
    expect(await audit.checkpoints.inclusion(5)).toBe("pruned");
    const consistency = await audit.checkpoints.consistency(512, 601);
    expect(
      typeof consistency === "object" &&
        verifyConsistency({
          size1: 512,
          size2: 601,
          root1: b(archive.manifest.checkpoint.rootHash),
          root2: b(after?.rootHash as string),
          proof: consistency.proof.map(b),
        }),
    ).toBe(true);
    expect(before?.treeSize).toBe(600);
    expect(await audit.retention(2).run()).toBeUndefined();
  });

  it("refuses to delete records any other way, and permits nothing beyond the permit", async () => {
    await Promise.all(Array.from({ length: 10 }, () => audit.trail.append(entry())));
    const db = audit.database.db;
    await expect(sql`delete from audit_records where seq = 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`insert into audit_prune_permits (up_to_seq) values (3)`.execute(trx);
        await sql`delete from audit_records where seq = 4`.execute(trx);
      }),
    ).rejects.toThrow(/append-only/);
    expect(await audit.verify()).toMatchObject({ ok: true, records: 10 });
  });

  it("finds a tampered cut (the hash the retained chain continues from)", async () => {
    await Promise.all(Array.from({ length: 300 }, () => audit.trail.append(entry())));
    audit.clock.advance(3 * DAY);
    await audit.retention(2).run();
    await sql
      .raw(
        dialect === "sqlite"
          ? "drop trigger audit_prunes_no_update"
          : "alter table audit_prunes disable trigger user",
      )
      .execute(audit.database.db);
    await sql`update audit_prunes set last_hash = ${Buffer.alloc(32, 1).toString("base64")}`.execute(
      audit.database.db,
    );
    expect(await audit.verify()).toMatchObject({
      ok: false,
      problem: "hash_mismatch",
      firstBrokenSequence: 257,
    });
  });

  it("refuses to archive a broken chain, and prunes nothing", async () => {
    await Promise.all(Array.from({ length: 300 }, () => audit.trail.append(entry())));
    audit.clock.advance(3 * DAY);
    await audit.asAttacker("update audit_records set org_code = 'XXX' where seq = 100");
    await expect(audit.retention(2).run()).rejects.toThrow(/record 100: hash_mismatch/);
    expect(await audit.records.firstSeq()).toBe(1);
  });
});
