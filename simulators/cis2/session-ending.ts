/**
 * Ending a CIS2 session, as removing an Identity Agent smartcard does: the session is forgotten,
 * the browser must authenticate again, and every relying party the session signed in to that has
 * a back-channel logout URI is sent a logout token naming the session's `sid`.
 */
import type Provider from "oidc-provider";
import { buildLogoutToken, type Delivery, deliverLogoutToken } from "./backchannel-logout.ts";
import type { Cis2Session } from "./sessions.ts";
import type { SimulatorDeps } from "./simulator-deps.ts";

const RECENT_LIMIT = 20;

export class SessionEnding {
  readonly #deps: SimulatorDeps;
  readonly #provider: Provider;
  readonly #recent: Delivery[] = [];

  constructor(deps: SimulatorDeps, provider: Provider) {
    this.#deps = deps;
    this.#provider = provider;
  }

  /** Deliveries made most recently, newest first (for the control page). */
  recent(): readonly Delivery[] {
    return this.#recent;
  }

  /** Ends one session and notifies its relying parties; unknown sids end nothing. */
  async end(sid: string, reason: string): Promise<Delivery[]> {
    const session = this.#deps.sessions.end(sid);
    if (!session) return [];
    this.#deps.log(`cis2-sim: CIS2 session ended sid=${sid} sub=${session.sub} (${reason})`);
    await this.#forgetBrowser(session);
    const deliveries = await Promise.all(this.#notify(session));
    this.#recent.unshift(...deliveries);
    this.#recent.splice(RECENT_LIMIT);
    return deliveries;
  }

  /** Ends every session of a user. */
  async endForUser(sub: string, reason: string): Promise<Delivery[]> {
    const sessions = this.#deps.sessions.bySub(sub);
    const results = await Promise.all(sessions.map((s) => this.end(s.sid, reason)));
    return results.flat();
  }

  async #forgetBrowser(session: Cis2Session): Promise<void> {
    if (!session.browserUid) return;
    const providerSession = await this.#provider.Session.findByUid(session.browserUid);
    await providerSession?.destroy();
  }

  #notify(session: Cis2Session): Promise<Delivery>[] {
    const deps = this.#deps;
    return [...session.clientIds].flatMap((clientId) => {
      const client = deps.clients.get(clientId);
      const uri = client?.backchannel_logout_uri;
      if (!client || !uri) return [];
      return [this.#deliver({ ...client, backchannel_logout_uri: uri }, session)];
    });
  }

  async #deliver(client: Parameters<typeof deliverLogoutToken>[0], session: Cis2Session): Promise<Delivery> {
    const token = await buildLogoutToken(this.#deps.keys, {
      issuer: this.#deps.issuer,
      clientId: client.client_id,
      sub: session.sub,
      sid: session.sid,
    });
    const delivery = await deliverLogoutToken(client, token);
    const outcome = delivery.status ? `HTTP ${delivery.status}` : `failed: ${delivery.error ?? "unknown"}`;
    this.#deps.log(`cis2-sim: back-channel logout to ${client.client_id} ${delivery.uri} → ${outcome}`);
    return delivery;
  }
}
