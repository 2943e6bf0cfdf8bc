// The one error path: every status-returning call goes through check().
import { FloxError } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";
import { backend, lib } from "./load.ts";

const { flox_last_error, flox_strerror } = lib;

/** Message of the calling thread's last failure, or the static text of `status` when none. */
export function lastErrorMessage(status: number): string {
  const message = backend.cString(flox_last_error());
  return message !== "" ? message : backend.cString(flox_strerror(status));
}

/** Throws a FloxError "<operation>: <message>" unless status is FLOX_OK. */
export function check(status: number, operation: string): void {
  if (status !== FloxStatus.OK) throw new FloxError(status, `${operation}: ${lastErrorMessage(status)}`);
}

/** Static text of a status code, from the library. */
export function statusText(status: number): string {
  return backend.cString(flox_strerror(status));
}
