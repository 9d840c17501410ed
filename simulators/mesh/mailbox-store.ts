/**
 * The simulator's mailboxes and messages, in memory. A message is uploaded chunk by chunk
 * (`uploading`), becomes `accepted` (listed in the recipient's inbox) when its last chunk is in,
 * and `acknowledged` once the recipient acknowledges it (no longer listed, 410 on download).
 * Chunks are kept exactly as sent: gzipped ones stay gzipped, each on its own.
 */
import { randomUUID } from "node:crypto";

export type MessageStatus = "uploading" | "accepted" | "acknowledged";

export interface StoredMessage {
  readonly id: string;
  /** Order of arrival (inbox pages continue from one). */
  readonly seq: number;
  readonly from: string;
  readonly to: string;
  readonly workflowId: string;
  readonly messageType: "DATA" | "REPORT";
  readonly contentType: string;
  /** `gzip` when every chunk is gzipped on its own. */
  readonly contentEncoding: "gzip" | undefined;
  readonly localId: string | undefined;
  readonly subject: string | undefined;
  readonly statusCode: string;
  readonly totalChunks: number;
  readonly chunks: Buffer[];
  status: MessageStatus;
  readonly createdAt: Date;
}

export type NewMessage = Omit<StoredMessage, "id" | "seq" | "status" | "createdAt" | "chunks"> & {
  readonly chunks?: Buffer[];
};

export class MailboxStore {
  readonly passwords = new Map<string, string>();
  readonly #messages = new Map<string, StoredMessage>();
  #seq = 0;

  addMailbox(id: string, password: string): void {
    this.passwords.set(id, password);
  }

  add(message: NewMessage, now: Date): StoredMessage {
    // MESH ids: 20 upper-case characters (a date-time and a random tail).
    const id =
      `${now.toISOString().replace(/\D/g, "").slice(0, 14)}${randomUUID().replaceAll("-", "").slice(0, 6)}`.toUpperCase();
    const chunks = message.chunks ?? [];
    const stored: StoredMessage = {
      ...message,
      id,
      seq: ++this.#seq,
      chunks,
      status: chunks.length === message.totalChunks ? "accepted" : "uploading",
      createdAt: now,
    };
    this.#messages.set(id, stored);
    return stored;
  }

  get(id: string): StoredMessage | undefined {
    return this.#messages.get(id);
  }

  /** Accepted messages for a mailbox, oldest first. */
  inbox(mailbox: string): StoredMessage[] {
    return [...this.#messages.values()].filter((m) => m.to === mailbox && m.status === "accepted");
  }

  all(): StoredMessage[] {
    return [...this.#messages.values()];
  }

  clear(): void {
    this.#messages.clear();
  }
}
