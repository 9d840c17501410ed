import { describe, expect, it } from "vitest";
import { formatDateTime, formatDateTimeSeconds } from "./view-engine.ts";

describe("dates on pages", () => {
  it("write UK time, in summer and in winter, as NHS services do", () => {
    expect(formatDateTime(new Date("2026-07-01T09:05:59Z"))).toBe("1 July 2026 at 10:05");
    expect(formatDateTime(new Date("2026-11-22T14:05:00Z"))).toBe("22 November 2026 at 14:05");
    expect(formatDateTimeSeconds(new Date("2026-07-01T09:05:59Z"))).toBe("1 July 2026 at 10:05:59");
    expect(formatDateTime(new Date("not a date"))).toBe("Unknown time");
  });

  it("give each minute its own text, however many different minutes a page shows", () => {
    const start = Date.parse("2026-03-29T00:00:00Z"); // the clocks go forward at 01:00 UTC
    const texts = Array.from({ length: 2500 }, (_, i) => formatDateTime(new Date(start + i * 60_000)));
    expect(new Set(texts).size).toBe(texts.length);
    expect(texts[59]).toBe("29 March 2026 at 00:59");
    expect(texts[60]).toBe("29 March 2026 at 02:00");
    // Asked again after the remembered texts were cleared, the same minute reads the same.
    expect(formatDateTime(new Date(start + 59 * 60_000 + 30_000))).toBe("29 March 2026 at 00:59");
  });
});
