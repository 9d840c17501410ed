/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). One browser per test
 * file; each test gets fresh contexts (a context is one browser profile: its own cookies).
 */
import { type Browser, chromium } from "playwright-core";
import { CHROMIUM_PATH } from "../../scripts/test-prerequisites.ts";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
