// FloxError: the one error class every failing call throws, with a stable numeric code and name.
import { FloxStatus, type FloxStatusName, statusName } from "./status_codes.ts";

export class FloxError extends Error {
  /** Stable numeric code (FloxStatus), equal to the C status. */
  readonly code: number;
  /** Stable name of the code, e.g. "BAD_PRICE". */
  readonly codeName: FloxStatusName;

  constructor(code: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FloxError";
    this.code = code;
    this.codeName = statusName(code);
  }
}

/** Throws FloxError(CLOSED) for an operation on a closed object. */
export function closedError(operation: string, what: string): FloxError {
  return new FloxError(FloxStatus.CLOSED, `${operation}: ${what} is closed`);
}

/** Throws FloxError(INVALID_ARG) naming the argument; used for validation done in TypeScript. */
export function invalidArgument(operation: string, detail: string, code: number = FloxStatus.INVALID_ARG): FloxError {
  return new FloxError(code, `${operation}: ${detail}`);
}
