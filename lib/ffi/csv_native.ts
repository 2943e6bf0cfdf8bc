// Thin binding of the CSV reader (strategy section of flox.h, cabi/src/csv.c). lib/csv_reader.ts
// builds on this file; only this file sees those symbols.
import { createHandle } from "./handle.ts";
import { lib } from "./load.ts";
import { check } from "./status.ts";
import { cstr } from "./tape_native.ts";
import type { NativeHandle } from "./types.ts";

const { flox_csv_open, flox_csv_destroy, flox_csv_format, flox_csv_read } = lib;

/** Opens a CSV file and detects its format from the first line. */
export function csvOpen(operation: string, path: string): NativeHandle {
  const p = cstr(path);
  return createHandle(operation, (out) => flox_csv_open(p, out));
}

export function csvDestroy(h: NativeHandle): void {
  flox_csv_destroy(h);
}

/** The detected format code (enum in flox.h: 1 trades, 2 binance_trades, 3 bars, 4 binance_klines). */
export function csvFormat(h: NativeHandle): number {
  return flox_csv_format(h);
}

/** Reads up to `cap` rows into the columns (each at least `cap` long); count[0] = rows read. */
export function csvRead(
  operation: string,
  h: NativeHandle,
  tsNs: BigInt64Array,
  price: Float64Array,
  qty: Float64Array,
  side: Uint8Array,
  cap: number,
  count: BigInt64Array,
): void {
  check(flox_csv_read(h, tsNs, price, qty, side, BigInt(cap), count), operation);
}
