/** This service's version, as reported by /healthz, to MESH in its handshake, and in the logs. */
export const VERSION = "0.1.0";
