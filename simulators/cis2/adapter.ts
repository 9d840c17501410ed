/**
 * Storage for the OpenID provider's models, kept in memory and private to one simulator instance
 * (the provider's bundled memory adapter shares one store across every instance in a process, and
 * tests run several simulators side by side). Clients are read from the registration registry so a
 * registration made at runtime is visible at once.
 */
import type { Adapter, AdapterConstructor, AdapterPayload } from "oidc-provider";
import { type ClientRegistry, toProviderMetadata } from "./clients.ts";

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/** Tokens whose lifetime ends with the grant they belong to. */
const GRANT_MEMBERS = new Set(["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode"]);

class Store {
  readonly entries = new Map<string, Entry>();
  readonly sessionByUid = new Map<string, string>();
  readonly grantMembers = new Map<string, Set<string>>();
  #writes = 0;

  get(key: string): AdapterPayload | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(key: string, payload: AdapterPayload, expiresIn: number | undefined): void {
    const expiresAt =
      typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
    this.entries.set(key, { payload, expiresAt });
    // A long-running simulator would otherwise keep every expired token forever.
    if (++this.#writes % 500 === 0) this.sweep();
  }

  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

/** Builds an adapter class bound to a fresh store and to the client registry. */
export function createAdapter(clients: ClientRegistry): AdapterConstructor {
  const store = new Store();
  return class MemoryModelAdapter implements Adapter {
    readonly #model: string;

    constructor(model: string) {
      this.#model = model;
    }

    #key(id: string): string {
      return `${this.#model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const key = this.#key(id);
      store.set(key, payload, expiresIn);
      if (this.#model === "Session" && payload.uid) store.sessionByUid.set(payload.uid, id);
      if (GRANT_MEMBERS.has(this.#model) && payload.grantId) {
        const members = store.grantMembers.get(payload.grantId) ?? new Set<string>();
        members.add(key);
        store.grantMembers.set(payload.grantId, members);
      }
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.#model === "Client") {
        const reg = clients.get(id);
        return reg ? toProviderMetadata(reg) : undefined;
      }
      return store.get(this.#key(id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = store.sessionByUid.get(uid);
      return id === undefined ? undefined : store.get(this.#key(id));
    }

    async findByUserCode(): Promise<undefined> {
      return undefined;
    }

    async consume(id: string): Promise<void> {
      const payload = store.get(this.#key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      const key = this.#key(id);
      const payload = store.get(key);
      store.entries.delete(key);
      if (payload?.uid && store.sessionByUid.get(payload.uid) === id) store.sessionByUid.delete(payload.uid);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of store.grantMembers.get(grantId) ?? []) store.entries.delete(key);
      store.grantMembers.delete(grantId);
    }
  };
}
