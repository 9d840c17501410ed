import { describe, expect, it } from "vitest";
import { RefusalTally, type TalliedRefusals } from "./refusal-tally.ts";

const refusal = (code: string, correlationId: string) => ({
  channel: "launch",
  outcome: "blocked.unknown_launch",
  code,
  correlationId,
});

describe("RefusalTally", () => {
  it("writes one count per channel and code per period, with the first few correlation ids", async () => {
    const written: TalliedRefusals[][] = [];
    const seen: string[] = [];
    const tally = new RefusalTally({
      periodMs: 60_000,
      write: async (t) => void written.push([...t]),
      onRefusal: (channel, code) => seen.push(`${channel} ${code}`),
    });
    for (let i = 0; i < 5; i++) tally.count(refusal("launch.unknown_launch", `c${i}`));
    tally.count(refusal("launch.other", "x"));
    await tally.flush();
    await tally.flush();
    await tally.close();
    expect(written).toHaveLength(1);
    expect(written[0]?.map((t) => [t.code, t.count, t.samples])).toEqual([
      ["launch.unknown_launch", 5, ["c0", "c1", "c2"]],
      ["launch.other", 1, ["x"]],
    ]);
    expect(seen).toHaveLength(6);
  });

  it("keeps the counts of a period it could not write and writes them with the next", async () => {
    let fail = true;
    const written: TalliedRefusals[] = [];
    const tally = new RefusalTally({
      periodMs: 60_000,
      write: async (t) => {
        if (fail) throw new Error("database busy");
        written.push(...t);
      },
      onWriteFailed: () => {},
    });
    tally.count(refusal("launch.unknown_launch", "a"));
    await tally.flush();
    fail = false;
    tally.count(refusal("launch.unknown_launch", "b"));
    await tally.close();
    expect(written.map((t) => [t.count, t.samples])).toEqual([[2, ["a", "b"]]]);
  });
});
