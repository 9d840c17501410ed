/** What the start page says when a session has ended, by reason. */
export interface SignedOutMessage {
  readonly kind: "logout" | "ended";
  readonly heading: string;
  readonly body: string;
}

const MESSAGES: Readonly<Record<string, SignedOutMessage>> = {
  logout: {
    kind: "logout",
    heading: "You have logged out",
    body: "Log in again to continue. Close the browser if you have finished on a shared computer.",
  },
  idle_timeout: {
    kind: "ended",
    heading: "You have been signed out because you were inactive",
    body: "For your security we sign you out after a period without activity. Log in again to continue where you left off.",
  },
  absolute_timeout: {
    kind: "ended",
    heading: "You have been signed out because your session reached its time limit",
    body: "Sessions last at most 12 hours. Log in again to continue.",
  },
  backchannel_logout: {
    kind: "ended",
    heading: "You have been signed out",
    body: "Your NHS Care Identity session ended, for example because your smartcard was removed. Log in again to continue.",
  },
  signed_in_elsewhere: {
    kind: "ended",
    heading: "You have been signed out",
    body: "You logged in on another device or browser. You can only be signed in once at a time.",
  },
  workstation_revoked: {
    kind: "ended",
    heading: "You have been signed out",
    body: "This workstation's registration was withdrawn by an administrator.",
  },
  replaced: {
    kind: "ended",
    heading: "You have been signed out",
    body: "A new sign-in replaced this session. Log in again to continue.",
  },
};

export function signedOutMessage(reason: unknown): SignedOutMessage | null {
  return typeof reason === "string" ? (MESSAGES[reason] ?? null) : null;
}
