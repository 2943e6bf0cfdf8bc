// Argument checks shared by the streaming indicators (the batch functions check in C, same rules).
import { FloxError } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";

/** Throws INVALID_ARG unless `period` is an integer in [1, 2^31). */
export function checkPeriod(op: string, name: string, period: number): number {
  if (!Number.isInteger(period) || period < 1 || period > 0x7fffffff) {
    throw new FloxError(FloxStatus.INVALID_ARG, `${op}: ${name} is ${period}; must be an integer >= 1`);
  }
  return period;
}

/** Throws BAD_PRICE naming the input: indicators refuse NaN and infinities instead of spreading them. */
export function notFinite(op: string, name: string, value: number): FloxError {
  return new FloxError(FloxStatus.BAD_PRICE, `${op}: ${name} is ${value}; must be finite`);
}
