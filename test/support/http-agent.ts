/**
 * A tiny browser stand-in for HTTP tests: a cookie jar keyed by host name (as browsers key cookies,
 * ignoring ports), manual redirects, and form posts. It lets tests walk the real OIDC redirects
 * between the app and the CIS2 simulator without a real browser.
 */

interface StoredCookie {
  readonly value: string;
  readonly path: string;
  readonly expires: number | null;
}

export interface AgentResponse {
  readonly status: number;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
  readonly location: string | null;
}

export class HttpAgent {
  readonly #jar = new Map<string, Map<string, StoredCookie>>();
  readonly #headers: Readonly<Record<string, string>>;

  /** `headers` go with every request (a browser's User-Agent, say). */
  constructor(headers: Readonly<Record<string, string>> = {}) {
    this.#headers = headers;
  }

  cookie(host: string, name: string): string | undefined {
    return this.#jar.get(host)?.get(name)?.value;
  }

  setCookie(host: string, name: string, value: string): void {
    const cookies = this.#jar.get(host) ?? new Map<string, StoredCookie>();
    cookies.set(name, { value, path: "/", expires: null });
    this.#jar.set(host, cookies);
  }

  clearCookies(): void {
    this.#jar.clear();
  }

  async request(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<AgentResponse> {
    const target = new URL(url);
    const headers: Record<string, string> = { accept: "text/html", ...this.#headers, ...init.headers };
    const cookie = this.#cookieHeader(target);
    if (cookie) headers["cookie"] = cookie;
    const response = await fetch(target, {
      method: init.method ?? "GET",
      headers,
      redirect: "manual",
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    for (const line of response.headers.getSetCookie()) this.#store(target, line);
    const location = response.headers.get("location");
    return {
      status: response.status,
      url: target.href,
      headers: response.headers,
      body: await response.text(),
      location: location ? new URL(location, target).href : null,
    };
  }

  get(url: string, headers: Record<string, string> = {}): Promise<AgentResponse> {
    return this.request(url, { headers });
  }

  postForm(
    url: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<AgentResponse> {
    return this.request(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Follows redirects from a response until one that is not a redirect (or `max` hops). */
  async follow(response: AgentResponse, max = 10): Promise<AgentResponse> {
    let current = response;
    for (let hop = 0; hop < max && current.location && current.status >= 300 && current.status < 400; hop++) {
      current = await this.get(current.location);
    }
    return current;
  }

  #cookieHeader(url: URL): string {
    const now = Date.now();
    const cookies = this.#jar.get(url.hostname) ?? new Map<string, StoredCookie>();
    return [...cookies.entries()]
      .filter(([, c]) => url.pathname.startsWith(c.path) && (c.expires === null || c.expires > now))
      .map(([name, c]) => `${name}=${c.value}`)
      .join("; ");
  }

  #store(url: URL, line: string): void {
    const [pair = "", ...attributes] = line.split(";").map((s) => s.trim());
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = "/";
    let expires: number | null = null;
    for (const attribute of attributes) {
      const [key = "", val = ""] = attribute.split("=");
      if (key.toLowerCase() === "path") path = val || "/";
      if (key.toLowerCase() === "max-age") expires = Date.now() + Number(val) * 1000;
      if (key.toLowerCase() === "expires" && expires === null) expires = Date.parse(val);
    }
    const cookies = this.#jar.get(url.hostname) ?? new Map<string, StoredCookie>();
    if (value === "" || (expires !== null && expires <= Date.now())) cookies.delete(name);
    else cookies.set(name, { value, path, expires });
    this.#jar.set(url.hostname, cookies);
  }
}

/** The value of a hidden CSRF field in a page. */
export function csrfTokenIn(html: string): string {
  const match = html.match(/name="_csrf" value="([^"]+)"/);
  if (!match?.[1]) throw new Error("no CSRF token on the page");
  return match[1];
}

/** The action of the first POST form in a page. */
export function postFormActionIn(html: string): string {
  const match = html.match(/<form method="post" action="([^"]+)"/);
  if (!match?.[1]) throw new Error("no POST form on the page");
  return match[1].replaceAll("&amp;", "&");
}
