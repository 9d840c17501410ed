/** What the start page says when a session has ended, by reason. */
export interface SignedOutMessage {
  readonly kind: "logout" | "ended";
  readonly heading: string;
  readonly body: string;
  /**
   * A newer sign-in in this browser carries on (a sign-in or change of role in another tab): the
   * page offers "Continue" even if that sign-in's cookie has not reached this tab yet.
   */
  readonly continues?: true;
}

const MESSAGES: Readonly<Record<string, SignedOutMessage>> = {
  logout: {
    kind: "logout",
    heading: "You have logged out",
    body: "Log in again to continue. Close the browser if you have finished on a shared computer.",
  },
  logout_cis2_unreached: {
    kind: "logout",
    heading: "You have logged out",
    body: "NHS Care Identity could not be reached to end your session there. On a shared computer, close the browser, including any NCRS tab, before someone else uses it.",
  },
  logout_elsewhere: {
    kind: "ended",
    heading: "You have been signed out",
    body: "You logged out in another tab or window of this browser. Log in again to continue where you left off.",
  },
  ended: {
    kind: "ended",
    heading: "You have been signed out",
    body: "Your session has ended. Log in again to continue where you left off.",
  },
  idle_timeout: {
    kind: "ended",
    heading: "You have been signed out because you were inactive",
    body: "For your security we sign you out after a period without activity. Log in again to continue where you left off.",
  },
  absolute_timeout: {
    kind: "ended",
    heading: "You have been signed out because your session reached its time limit",
    body: "Sessions end after a set time however active you are, for your security. Log in again to continue where you left off.",
  },
  backchannel_logout: {
    kind: "ended",
    heading: "You have been signed out",
    body: "Your NHS Care Identity session ended: your smartcard was removed, or you signed out of NHS Care Identity. Log in again to continue where you left off.",
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
    heading: "This page belonged to your earlier sign-in",
    body: "You signed in again or changed role in another tab or window, so this page was closed. Continue with your new sign-in.",
    continues: true,
  },
};

export function signedOutMessage(reason: unknown): SignedOutMessage | null {
  return typeof reason === "string" ? (MESSAGES[reason] ?? null) : null;
}
