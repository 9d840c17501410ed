/**
 * Wires the identity domain: the CIS2 adapter, the SQL repositories and the services, all from
 * configuration. Part of the composition root (app.ts); domain code never sees configuration.
 */
import type { Config } from "../config/load-config.ts";
import type { Events } from "../domain-events.ts";
import { BackchannelLogoutService } from "../identity/backchannel-logout.service.ts";
import type { IdTokenPolicy } from "../identity/id-token.checks.ts";
import type { IdentityProvider } from "../identity/identity.ports.ts";
import { LogoutService } from "../identity/logout.service.ts";
import type { RolePolicy } from "../identity/roles.ts";
import { SessionService } from "../identity/session.service.ts";
import type { SessionLifetimes } from "../identity/session-policy.ts";
import { SessionWatch } from "../identity/session-watch.ts";
import { SignInService } from "../identity/sign-in.service.ts";
import { WorkstationService } from "../identity/workstation.service.ts";
import { type Cis2Call, Cis2OidcProvider } from "../national/cis2/cis2-oidc.provider.ts";
import type { Clock } from "../platform/clock.ts";
import { KeyStore } from "../platform/key-store.ts";
import type { Database } from "../storage/database.ts";
import { SqlLoginTransactionRepository } from "../storage/login-transaction.repository.ts";
import { SqlLogoutTokenReplayGuard } from "../storage/logout-token-replay.repository.ts";
import { SqlSessionRepository } from "../storage/session.repository.ts";
import { SqlWorkstationRepository } from "../storage/workstation.repository.ts";

export const CALLBACK_PATH = "/auth/callback";
/** Where CIS2 sends the browser back after ending its session (registered as a post-logout redirect URI). */
export const LOGGED_OUT_PATH = "/auth/logged-out";
const LOGOUT_TOKEN_MAX_AGE_SECONDS = 300;

export interface Identity {
  readonly provider: IdentityProvider;
  readonly keys: KeyStore;
  readonly rolePolicy: RolePolicy;
  readonly sessions: SessionService;
  /** Logging out, here and (where configured) at CIS2. */
  readonly logout: LogoutService;
  /** Tells open pages the moment their session ends. */
  readonly watch: SessionWatch;
  readonly sessionRepository: SqlSessionRepository;
  readonly signIn: SignInService;
  readonly backchannel: BackchannelLogoutService;
  readonly workstations: WorkstationService;
  /** Sign-in transactions in flight (housekeeping deletes the expired ones). */
  readonly loginTransactions: SqlLoginTransactionRepository;
}

export function lifetimesFrom(config: Config): SessionLifetimes {
  return {
    shared: { idleSeconds: config.sharedIdleSeconds, absoluteSeconds: config.sharedAbsoluteSeconds },
    personal: { idleSeconds: config.personalIdleSeconds, absoluteSeconds: config.personalAbsoluteSeconds },
    tablet: { idleSeconds: config.tabletIdleSeconds, absoluteSeconds: config.tabletAbsoluteSeconds },
  };
}

export function idTokenPolicyFrom(config: Config): IdTokenPolicy {
  // Asking CIS2 for AAL3 only means nothing less may be accepted, whatever the floor says.
  const requestedFloor = config.cis2AcrValues.startsWith("AAL3") ? 3 : 0;
  return {
    issuer: config.cis2Issuer,
    clientId: config.cis2ClientId,
    acceptedAcr: config.cis2AcceptedAcr,
    minAuthenticationAssurance: Math.max(config.cis2MinAuthenticationAssurance, requestedFloor),
    minIdentityAssurance: config.cis2MinIdentityAssurance,
    maxAuthAgeSeconds: config.cis2MaxAgeSeconds,
    skewSeconds: config.cis2ClockSkewSeconds,
  };
}

export async function buildIdentity(deps: {
  readonly config: Config;
  readonly database: Database;
  readonly events: Events;
  readonly clock: Clock;
  readonly keysDir: string;
  readonly onCis2Call?: (call: Cis2Call) => void;
}): Promise<Identity> {
  const { config, database, events, clock } = deps;
  const keys = await KeyStore.open(deps.keysDir, "cis2-client", config.cis2SigningAlg);
  const provider = new Cis2OidcProvider({
    issuer: config.cis2Issuer,
    clientId: config.cis2ClientId,
    redirectUri: `${config.publicUrl}${CALLBACK_PATH}`,
    clientAuth: config.cis2ClientAuth,
    ...(config.cis2ClientSecret === undefined ? {} : { clientSecret: config.cis2ClientSecret }),
    signingKey: () => keys.signingKey(),
    assertionAudience: config.cis2AssertionAudience,
    timeoutMs: config.cis2HttpTimeoutMs,
    discoveryCacheSeconds: config.cis2DiscoveryCacheSeconds,
    clockSkewSeconds: config.cis2ClockSkewSeconds,
    allowInsecureHttp: config.allowInsecureHttp,
    ...(deps.onCis2Call ? { onCall: deps.onCis2Call } : {}),
  });
  const rolePolicy: RolePolicy = {
    clinicalActivityCodes: config.clinicalActivityCodes,
    adminActivityCodes: config.adminActivityCodes,
  };
  const sessionRepository = new SqlSessionRepository(database.db);
  const transactions = new SqlLoginTransactionRepository(database.db);
  const sessions = new SessionService({
    sessions: sessionRepository,
    events,
    clock,
    lifetimes: lifetimesFrom(config),
    touchIntervalSeconds: config.touchIntervalSeconds,
    singleSessionPerUser: config.singleSessionPerUser,
  });
  const watch = new SessionWatch({ sessions, pollMs: config.sessionWatchPollMs });
  // A session ended here is told to this instance's open pages at once, not at the next look.
  events.on("session.ended", () => watch.nudge());
  const signIn = new SignInService({
    provider,
    transactions,
    sessions,
    events,
    clock,
    settings: {
      scopes: config.cis2Scopes,
      acrValues: config.cis2AcrValues,
      maxAgeSeconds: config.cis2MaxAgeSeconds,
      transactionTtlSeconds: config.cis2LoginTtlSeconds,
      idToken: idTokenPolicyFrom(config),
      roles: rolePolicy,
      authenticators: config.cis2AmrAuthenticators,
    },
  });
  const backchannel = new BackchannelLogoutService({
    provider,
    replay: new SqlLogoutTokenReplayGuard(database.db),
    sessions,
    events,
    clock,
    policy: {
      issuer: config.cis2Issuer,
      clientId: config.cis2ClientId,
      skewSeconds: config.cis2ClockSkewSeconds,
      maxAgeSeconds: LOGOUT_TOKEN_MAX_AGE_SECONDS,
    },
  });
  const logout = new LogoutService({
    sessions,
    provider,
    endCis2Session: config.cis2EndSession,
    postLogoutRedirectUri: `${config.publicUrl}${LOGGED_OUT_PATH}`,
  });
  const workstations = new WorkstationService({
    workstations: new SqlWorkstationRepository(database.db),
    sessions,
    events,
    clock,
  });
  return {
    provider,
    keys,
    rolePolicy,
    sessions,
    watch,
    logout,
    sessionRepository,
    signIn,
    backchannel,
    workstations,
    loginTransactions: transactions,
  };
}
