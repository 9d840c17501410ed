/**
 * A control request that cannot be carried out, with the HTTP status the control API should
 * answer (for example 404 for an event id it never sent, or PDS's own 409 for a closed record).
 */
export class ControlError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}
