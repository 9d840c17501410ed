/**
 * A minimal browser for tests: a cookie jar (name, value, path) over fetch, redirects followed by
 * hand so a test can stop at the relying party's callback, and HTML forms read with plain regular
 * expressions (the simulator's markup is ours and stable).
 */

interface Cookie {
  value: string;
  path: string;
}

export interface Page {
  url: URL;
  status: number;
  html: string;
}

export type Step = { kind: "page"; page: Page } | { kind: "callback"; url: URL };

function parseSetCookie(header: string): { name: string; value: string; path: string; expired: boolean } {
  const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
  const eq = pair.indexOf("=");
  const attr = (name: string) =>
    attributes.find((a) => a.toLowerCase().startsWith(`${name}=`))?.slice(name.length + 1);
  const expires = attr("expires");
  const maxAge = attr("max-age");
  const expired = (expires !== undefined && Date.parse(expires) <= Date.now()) || maxAge === "0";
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), path: attr("path") ?? "/", expired };
}

export class Browser {
  readonly #jar: Map<string, Cookie> = new Map();
  /** Requests that leave through this prefix are the relying party's callback and are not fetched. */
  readonly #callbackPrefix: string;

  constructor(callbackPrefix: string, jar?: Map<string, Cookie>) {
    this.#callbackPrefix = callbackPrefix;
    if (jar) this.#jar = jar;
  }

  /** The same browser (sharing cookies) heading to another relying party's callback. */
  withCallback(callbackPrefix: string): Browser {
    return new Browser(callbackPrefix, this.#jar);
  }

  #cookieHeader(url: URL): string {
    return [...this.#jar.entries()]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join("; ");
  }

  #store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(header);
      if (cookie.expired) this.#jar.delete(cookie.name);
      else this.#jar.set(cookie.name, { value: cookie.value, path: cookie.path });
    }
  }

  async #send(url: URL, form?: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = { cookie: this.#cookieHeader(url) };
    if (form) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = await fetch(url, {
      method: form ? "POST" : "GET",
      headers,
      redirect: "manual",
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    this.#store(response);
    return response;
  }

  /** GET (or POST a form) and follow redirects until a page or the relying party's callback. */
  async go(start: string | URL, form?: Record<string, string>): Promise<Step> {
    let url = new URL(start);
    let response = await this.#send(url, form);
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) {
        return { kind: "page", page: { url, status: response.status, html: await response.text() } };
      }
      await response.body?.cancel();
      url = new URL(location, url);
      if (url.href.startsWith(this.#callbackPrefix)) return { kind: "callback", url };
      response = await this.#send(url);
    }
    throw new Error("too many redirects");
  }

  /** Submits the page's first POST form with the given fields. */
  async submit(page: Page, fields: Record<string, string>): Promise<Step> {
    const action = /<form[^>]*method="post"[^>]*action="([^"]+)"/.exec(page.html)?.[1];
    if (!action) throw new Error(`no POST form on ${page.url.href}`);
    return this.go(new URL(action.replaceAll("&amp;", "&"), page.url), fields);
  }
}

/** The `value`s of the radios named `name`, with whether each is disabled. */
export function radios(html: string, name: string): { value: string; disabled: boolean }[] {
  const inputs = html.match(new RegExp(`<input[^>]*name="${name}" type="radio"[^>]*>`, "g")) ?? [];
  return inputs.map((tag) => ({
    value: /value="([^"]*)"/.exec(tag)?.[1] ?? "",
    disabled: /\sdisabled[\s>]/.test(tag),
  }));
}
