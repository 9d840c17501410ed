import { describe, expect, it } from "vitest";
import { helpProfileFor, LaunchHelpContent } from "./launch-help.ts";

const CONTENT = new URL("../../content/", import.meta.url).pathname;

describe("launch help content", () => {
  const content = LaunchHelpContent.load(CONTENT);

  it("loads every content file", () => {
    expect(content.for(null, "shared", "smartcard-identity-agent").checklist.items.length).toBeGreaterThan(3);
  });

  it("tailors the checklist to the device profile and the authenticator", () => {
    const tablet = content.for(null, "tablet", "ipad-app");
    expect(tablet.checklist.title).toBe("On an iPad or tablet");
    expect(tablet.checklist.items.at(-1)).toContain("NHS CIS2 app");
    const card = content.for(null, "shared", "smartcard-connect");
    expect(card.checklist.items.at(-1)).toContain("Smartcard Connect");
  });

  it("the shared-workstation help never tells a smartcard user to take the card out, which would end their session", () => {
    for (const authenticator of ["smartcard-identity-agent", "smartcard-connect", "unknown"]) {
      const items = content.for(null, "shared", authenticator).checklist.items;
      expect(
        items.filter((item) => /remove (it|your (smart)?card)\b(?!.*(ends|does not log))/i.test(item)),
      ).toEqual([]);
    }
    const agent = content.for(null, "shared", "smartcard-identity-agent").checklist.items.join(" ");
    expect(agent).toContain("removing it ends your session");
  });

  it("uses an organisation's own wording where it has some, and the defaults otherwise", () => {
    expect(content.for("Y90001", "shared", "unknown").helperText).toContain("Smartcard required");
    expect(content.for("Y90001", "personal", "unknown").helperText).toBe(
      "NCRS opens in a new tab and may ask you to sign in.",
    );
    expect(content.for("Y90002", "shared", "unknown").helperText).toContain(
      "may ask you to sign in with your smartcard or authenticator",
    );
  });

  it("falls back for an authenticator it has no words for", () => {
    expect(content.for(null, "personal", "something-new").checklist.items.at(-1)).toContain(
      "authenticator your organisation set up",
    );
  });

  it("recognises phones and tablets only for unregistered browsers", () => {
    const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile Safari";
    expect(helpProfileFor("shared", false, iphone)).toBe("mobile");
    expect(helpProfileFor("shared", false, "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)")).toBe("tablet");
    expect(helpProfileFor("personal", true, iphone)).toBe("personal");
    expect(helpProfileFor("shared", false, "Mozilla/5.0 (Windows NT 10.0) Chrome/140")).toBe("shared");
  });
});
