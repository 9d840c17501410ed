import { describe, expect, it } from "vitest";
import { GroupCommit } from "./group-commit.ts";

/** A writer that records its batches and only finishes when told to. */
function gatedWriter() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const write = async (items: readonly number[]) => {
    batches.push([...items]);
    await new Promise<void>((resolve) => gates.push(resolve));
    return items.map((i) => i * 10);
  };
  return {
    batches,
    write,
    open: () => {
      for (const gate of gates.splice(0)) gate();
    },
  };
}

describe("group commit", () => {
  it("shares one write among items submitted together, and gives each its own result", async () => {
    const w = gatedWriter();
    const commit = new GroupCommit<number, number>({ maxBatch: 100, lingerMs: 0 }, w.write);
    const results = Promise.all([1, 2, 3].map((i) => commit.submit(i)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(w.batches).toEqual([[1, 2, 3]]);
    w.open();
    expect(await results).toEqual([10, 20, 30]);
  });

  it("queues items arriving during a write into the next one, up to maxBatch each", async () => {
    const w = gatedWriter();
    const commit = new GroupCommit<number, number>({ maxBatch: 2, lingerMs: 0 }, w.write);
    const first = commit.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((i) => commit.submit(i));
    let settled = false;
    void first.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    for (let round = 0; round < 3; round++) {
      w.open();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
    expect(w.batches).toEqual([[1], [2, 3], [4]]);
  });

  it("fails every caller of a failed write, and carries on with the next", async () => {
    let calls = 0;
    const commit = new GroupCommit<number, number>({ maxBatch: 10, lingerMs: 0 }, async (items) => {
      calls++;
      if (calls === 1) throw new Error("disk full");
      return [...items];
    });
    const failed = [commit.submit(1), commit.submit(2)];
    for (const f of failed) await expect(f).rejects.toThrow("disk full");
    expect(await commit.submit(3)).toBe(3);
    await commit.drain();
  });
});
