/**
 * How managing MNS subscriptions can fail, in our catalogue. These reach operators (the CLI and
 * the doctor), never clinicians; each says what to put right.
 */
import { defineErrors } from "../../platform/errors.ts";

export const mnsSubscriptionErrors = defineErrors("mns", {
  unauthorised: {
    status: 502,
    title: "MNS did not accept this service's access token",
    message:
      "MNS answered 401 to a fresh application-restricted token from the NHS API platform: the application may not have MNS added to it.",
    next: "Check that the API platform application (APIM_API_KEY) has the Multicast Notification Service product, in this environment.",
  },
  not_approved: {
    status: 502,
    title: "MNS refused: the publisher has not approved this subscriber",
    message:
      "MNS answered 403: this application is not approved for the event type, or not onboarded to MNS.",
    next: "Ask for publisher approval of each event type through MNS's subscription request form, quoting the API platform application id.",
  },
  invalid_subscription: {
    status: 502,
    title: "MNS refused the subscription as invalid",
    message: "MNS answered 400 to the subscription this service sent.",
    next: "Check MNS_SUBSCRIPTION_MAILBOX_ID, MNS_SUBSCRIPTION_WORKFLOW_ID and EVENTS_ACCEPTED_TYPES.",
  },
  unreachable: {
    status: 503,
    title: "MNS is not responding",
    message: "The subscription API did not answer in time, or could not be reached.",
    next: "Check MNS_API_BASE_URL and the network route to the NHS API platform; MNS is a business-hours (bronze) service.",
  },
  bad_response: {
    status: 502,
    title: "MNS sent something we could not read",
    message:
      "An answer of the subscription API was not in the expected form (a wrong MNS_API_BASE_URL often gives this).",
    next: "Check MNS_API_BASE_URL: it ends in /multicast-notification-service.",
  },
});
