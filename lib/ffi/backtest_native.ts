// Thin binding of the backtest runner's native helpers (strategy section of flox.h): the read-ahead
// event feed (a native thread decoding a tape into EventColumns) and chunk preparation
// (flox_bt_prepare). lib/backtest_runner.ts builds on this file; only this file sees those symbols.
import { createHandle } from "./handle.ts";
import { lib } from "./load.ts";
import { check } from "./status.ts";
import { cstr, type EventColumns, readEventColumns } from "./tape_native.ts";
import type { NativeHandle } from "./types.ts";

const {
  flox_event_feed_open,
  flox_event_feed_destroy,
  flox_event_feed_level_cap,
  flox_event_feed_next,
  flox_event_feed_damage_count,
  flox_bt_prepare,
} = lib;

const countSlot = new Int32Array(2);

// ---- read-ahead event feed ----

/** Starts a feed over the tape in `dir` that decodes chunks of up to chunkEvents events ahead. */
export function feedOpen(operation: string, dir: string, chunkEvents: number): NativeHandle {
  const path = cstr(dir);
  return createHandle(operation, (out) => flox_event_feed_open(path, chunkEvents, out));
}

export function feedDestroy(h: NativeHandle): void {
  flox_event_feed_destroy(h);
}

/** Book levels one chunk of the feed may need (size of EventColumns.levelPrice/levelQty). */
export function feedLevelCap(h: NativeHandle): number {
  return flox_event_feed_level_cap(h);
}

/** Fills `c` with the next decoded chunk; returns the number of events (0 at the end of the tape). */
export function feedNext(operation: string, h: NativeHandle, c: EventColumns): number {
  readEventColumns(flox_event_feed_next, operation, h, c, countSlot);
  return countSlot[0];
}

/** Damage reports met by the feed (valid once the end was read; never negative). */
export function feedDamageCount(h: NativeHandle): number {
  return Math.max(0, flox_event_feed_damage_count(h));
}

// ---- chunk preparation ----

/** Mirrors of FLOX_BT_KINDS, FLOX_BT_TAPE_ORDER in flox.h. */
export const BT_KINDS = 1, BT_TAPE_ORDER = 2;

/**
 * Normalises and checks n rows (flox_bt_prepare): fills tsOut/tOut and clockOut[0] with the last
 * clock. `kinds` is read only when flags has BT_KINDS (pass a placeholder otherwise).
 */
export function btPrepare(
  operation: string,
  tsNs: BigInt64Array,
  price: Float64Array,
  qty: Float64Array,
  kinds: Uint8Array,
  flags: number,
  n: number,
  firstIndex: number,
  base: bigint,
  prevTs: bigint,
  tsOut: BigInt64Array,
  tOut: Float64Array,
  clockOut: BigInt64Array,
): void {
  check(
    flox_bt_prepare(
      tsNs,
      price,
      qty,
      kinds,
      flags,
      BigInt(n),
      BigInt(firstIndex),
      base,
      prevTs,
      tsOut,
      tOut,
      clockOut,
    ),
    operation,
  );
}
