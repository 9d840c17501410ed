/**
 * `auth-page`: an authenticated page through the whole product (session lookup in the database,
 * activity touch, role and permissions, security headers with a CSP nonce, CSRF token, metrics,
 * request logging) against a bare Fastify route rendering the same page. Target ratio ≥ 0.6.
 */
import { layoutContext, pageVsBare } from "./lib/page-vs-bare.ts";
import { startProduct } from "./lib/product.ts";
import type { BenchResult } from "./lib/result.ts";

export async function authPage(): Promise<BenchResult> {
  const product = await startProduct();
  try {
    const row = (key: string, value: string) => ({ key: { text: key }, value: { text: value } });
    return await pageVsBare({
      bench: "auth-page",
      target: 0.6,
      url: `${product.baseUrl}/home`,
      cookie: product.cookie,
      template: "pages/home.njk",
      context: layoutContext({
        sessionRows: [
          row("Name", "Amelia Hart"),
          row("Role", "Clinical Practitioner Access Role (S8000:G8000:R8000)"),
          row("Organisation", "Riverside Community Health NHS Trust (test) Y90001"),
          row("Signed in with", "smartcard identity agent"),
          row("Device", "Shared workstation"),
          row("Signed in at", "22 November 2026 at 10:00"),
        ],
      }),
    });
  } finally {
    await product.stop();
  }
}
