/**
 * How talking to MESH can fail, in our catalogue. Nobody waits on a page for MESH (the poller runs
 * in the background), so these reach the log, metrics and the poller's status; the messages say
 * what an operator should fix.
 */
import { defineErrors } from "../../platform/errors.ts";

const desk = "Check the MESH settings (MESH_*) and the mailbox with the service desk.";

export const meshErrors = defineErrors("mesh", {
  unreachable: {
    status: 503,
    title: "MESH is not responding",
    message: "The MESH mailbox server could not be reached or did not answer in time.",
    next: "The poller tries again at its next interval; if it keeps happening, check the network to MESH.",
  },
  tls_refused: {
    status: 502,
    title: "The TLS connection to MESH failed",
    message:
      "MESH's server certificate is not trusted by MESH_CA_CERT, or MESH refused this service's client certificate (expired, not issued by its CA, or the wrong name).",
    next: desk,
  },
  auth_refused: {
    status: 502,
    title: "MESH refused this service's credentials",
    message:
      "MESH refused the mailbox token: wrong mailbox id, password or shared key, a clock more than two hours out, or a token used twice.",
    next: desk,
  },
  handshake_refused: {
    status: 502,
    title: "MESH refused the handshake",
    message: "MESH did not accept this service's handshake with its mailbox.",
    next: desk,
  },
  message_gone: {
    status: 502,
    title: "The MESH message is no longer there",
    message: "MESH answered that the message does not exist or was already acknowledged.",
    next: "Nothing to do for one message; if many go, check that only one instance polls the mailbox.",
  },
  bad_response: {
    status: 502,
    title: "MESH sent something we could not read",
    message: "An answer from MESH was not in the form its API v2 describes.",
    next: desk,
  },
});
