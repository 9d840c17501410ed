import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, NHS_NUMBER_MASK, scrubNhsNumbers } from "./logger.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger("info", stream), lines };
}

describe("logger", () => {
  it("masks NHS-number-shaped values wherever they appear", () => {
    const { logger, lines } = capture();
    logger.info(
      { detail: "patient 943 476 5919", nested: { list: ["9434765919"] } },
      "lookup 943-476-5919 failed",
    );
    const out = lines.join("");
    expect(out).not.toMatch(/943.?476.?5919/);
    expect(out.split(NHS_NUMBER_MASK)).toHaveLength(4);
  });

  it("masks NHS numbers inside error messages and causes", () => {
    const { logger, lines } = capture();
    logger.error(
      { err: new Error("PDS said 9000000009 was not found", { cause: new Error("id 9000000009") }) },
      "failed",
    );
    expect(lines.join("")).not.toContain("9000000009");
  });

  it("masks NHS numbers as they look in logged URLs, URL-encoded", () => {
    for (const url of [
      "/patients?q=999+100+0054",
      "/patients?q=999%20100%200054",
      "/patients?q=999%2D100%2d0054",
      "/patients?q=Smith%209991000054",
      "/patients?q=9991000054&tab=x",
    ]) {
      expect(scrubNhsNumbers(url), url).not.toMatch(/999.{0,3}100.{0,3}0054/);
    }
    expect(scrubNhsNumbers("/patients?q=Smith%209991000054")).toBe(`/patients?q=Smith%20${NHS_NUMBER_MASK}`);
  });

  it("keeps request and correlation ids whole, even where their digits look like an NHS number", () => {
    for (const id of ["3f1c2a9e-1b2c-4123-8456-7890123456ab", "a1234567-8901-4234-9567-890123456789"]) {
      expect(scrubNhsNumbers(`{"correlationId":"${id}","msg":"x 9434765919"}`)).toBe(
        `{"correlationId":"${id}","msg":"x ${NHS_NUMBER_MASK}"}`,
      );
    }
  });

  it("keeps 12-digit CIS2 user ids and epoch times", () => {
    expect(scrubNhsNumbers("user 555000000001 at 1763800000123")).toBe("user 555000000001 at 1763800000123");
  });

  it("redacts tokens and cookies by field", () => {
    const { logger, lines } = capture();
    logger.info({
      id_token: "eyJhbGciOi.x.y",
      req: { headers: { authorization: "Bearer abc", cookie: "ncrs_session=s" } },
      tokens: { access_token: "t" },
    });
    const out = lines.join("");
    for (const secret of ["eyJhbGciOi", "Bearer abc", "ncrs_session=s", '"t"'])
      expect(out).not.toContain(secret);
  });
});
