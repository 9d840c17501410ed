import { describe, expect, it } from "vitest";
import { clientInfo, summariseUserAgent } from "./client-info.ts";

describe("summariseUserAgent", () => {
  it.each([
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Chrome 131 on Windows 10",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      "Microsoft Edge 131 on Windows 10",
    ],
    [
      "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      "Safari 17 on iOS 17",
    ],
    ["", "Unknown browser"],
    [undefined, "Unknown browser"],
    ["curl/8.5.0", "Unknown browser"],
  ])("%s → %s", (header, summary) => {
    expect(summariseUserAgent(header)).toBe(summary);
  });

  it("keeps the summary short and free of markup whatever the header holds", () => {
    const summary = summariseUserAgent(`Mozilla/5.0 <script>${"x".repeat(5000)}</script> Chrome/1.0`);
    expect(summary.length).toBeLessThanOrEqual(80);
    expect(summary).not.toMatch(/[<>]/);
  });

  it("gives the address, the summary and the caller's correlation id together", () => {
    expect(clientInfo("10.1.2.3", undefined, "epr-123")).toEqual({
      address: "10.1.2.3",
      userAgent: "Unknown browser",
      callerCorrelationId: "epr-123",
    });
  });
});
