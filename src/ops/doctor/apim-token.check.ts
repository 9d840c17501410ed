/**
 * The NHS API platform: an application-restricted access token for our signed JWT, when anything
 * uses one (PDS_AUTH=application, MNS subscriptions). Says which setting to fix from the
 * catalogue code of the refusal; never prints the token.
 */
import type { AccessTokenSource } from "../../national/apim/access-token.ts";
import { isAppError } from "../../platform/errors.ts";
import { type CheckResult, type DoctorCheck, fail, pass, skip } from "./check.ts";

export interface ApimTokenCheckOptions {
  /** Null when nothing configured uses the platform. */
  readonly tokens: AccessTokenSource | null;
  /** Where our public keys are published, for the hint. */
  readonly jwksUrl: string;
}

function hintFor(code: string, jwksUrl: string): string {
  switch (code) {
    case "apim.invalid_key":
      return `The platform could not check our signature: register ${jwksUrl} as the application's JWKS URL (or APIM_PRIVATE_KEY_PATH's public key under APIM_KEY_ID); after \`keys stage apim-client\` wait an hour before \`keys activate apim-client\`.`;
    case "apim.clock_skew":
      return "Synchronise this server's clock (NTP): the platform refuses assertions whose expiry is out of its window.";
    case "apim.unreachable":
      return "Check APIM_TOKEN_URL and the network route (proxy, firewall) to the NHS API platform.";
    case "apim.refused":
      return "APIM_API_KEY must be this environment's application key, and APIM_TOKEN_URL the exact token URL (INT: https://int.api.service.nhs.uk/oauth2/token, no trailing slash).";
    default:
      return "APIM_TOKEN_URL does not answer as the platform's token endpoint: check it.";
  }
}

export function apimTokenCheck(options: ApimTokenCheckOptions): DoctorCheck {
  return {
    name: "apim-token",
    async run(): Promise<CheckResult> {
      if (!options.tokens)
        return skip("not used (PDS_AUTH is not application and MNS_API_BASE_URL is unset)");
      try {
        await options.tokens.token();
        return pass("an application-restricted access token was issued for our signed JWT");
      } catch (error) {
        if (!isAppError(error)) throw error;
        const cause = error.cause instanceof Error ? `: ${error.cause.message.slice(0, 160)}` : "";
        return fail(`${error.code}${cause}`, hintFor(error.code, options.jwksUrl));
      }
    },
  };
}
