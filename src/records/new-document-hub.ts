/**
 * "New document available" for pages already open: when a look at NRL finds pointers new to a
 * user (or organisation), the pages of the same viewer with that patient open hear of it through
 * their live banner channel. In-process: each instance tells the pages connected to it (see
 * ADR 0022 for why that is enough today and what several instances would need).
 */
import type { NewPointer } from "./records.ports.ts";

export interface NewDocuments {
  readonly patientId: string;
  /** `user:<id>` or `org:<ODS>`: whose "seen" the pointers were new to. */
  readonly scope: string;
  readonly pointers: readonly NewPointer[];
}

type Listener = (news: NewDocuments) => void;

export class NewDocumentHub {
  readonly #listeners = new Map<string, Set<Listener>>();

  /** Listens for news about one patient; returns the unsubscribe. */
  subscribe(patientId: string, listener: Listener): () => void {
    const set = this.#listeners.get(patientId) ?? new Set<Listener>();
    set.add(listener);
    this.#listeners.set(patientId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(patientId);
    };
  }

  publish(news: NewDocuments): void {
    for (const listener of this.#listeners.get(news.patientId) ?? []) {
      try {
        listener(news);
      } catch {
        // One page's failure must not keep the news from another.
      }
    }
  }
}
