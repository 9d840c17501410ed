/**
 * A cookie-keeping HTTP client for the EPR's tests: one EPR browser session, redirects not
 * followed (a test looks at each hop), and the few page readings tests need.
 */
import { once } from "node:events";
import { createServer } from "node:net";

export class EprClient {
  readonly #origin: string;
  #cookie = "";

  constructor(origin: string) {
    this.#origin = origin;
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const url = path.startsWith("http") ? path : `${this.#origin}${path}`;
    const headers = new Headers(init.headers);
    if (this.#cookie && url.startsWith(this.#origin)) headers.set("cookie", this.#cookie);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    const set = response.headers.get("set-cookie");
    if (set && url.startsWith(this.#origin)) this.#cookie = set.split(";")[0] ?? "";
    return response;
  }

  async page(path: string): Promise<{ status: number; html: string; headers: Headers }> {
    const response = await this.request(path);
    return { status: response.status, html: await response.text(), headers: response.headers };
  }

  async post(path: string, form: Record<string, string>): Promise<Response> {
    return this.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  }
}

/** An attribute's value in the first element matching `pattern` (a regex over the tag). */
export function attribute(html: string, tag: RegExp, name: string): string | undefined {
  const element = tag.exec(html)?.[0];
  const value = element ? new RegExp(`\\s${name}="([^"]*)"`).exec(element)?.[1] : undefined;
  return value?.replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#39;", "'");
}

/** A port nothing listens on: NCRS Connect "down". */
export async function closedPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}
