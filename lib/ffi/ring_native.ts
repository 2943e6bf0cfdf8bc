// Thin binding of the event ring (cabi/src/ring.c) and of the ticket hand-off to Workers (a ring
// handle as an address and back). lib/ring.ts builds on this file; only this file sees the symbols.
// Publishes return the raw status: FULL is an answer there (the caller decides), not an error.
import { createHandle } from "./handle.ts";
import { backend, lib } from "./load.ts";
import { check } from "./status.ts";
import type { NativeHandle } from "./types.ts";

const {
  flox_ring_create,
  flox_ring_destroy,
  flox_ring_capacity,
  flox_ring_publish_trade,
  flox_ring_publish_trades,
  flox_ring_publish_book,
  flox_ring_drain,
  flox_ring_close,
  flox_ring_reopen,
  flox_ring_stats,
} = lib;

export function ringCreate(operation: string, capacity: number): NativeHandle {
  return createHandle(operation, (out) => flox_ring_create(capacity, out));
}

export function ringDestroy(h: NativeHandle): void {
  flox_ring_destroy(h);
}

export function ringCapacity(h: NativeHandle): number {
  return flox_ring_capacity(h);
}

/** One trade; returns the status (OK, FULL, or an error for the caller to report). */
export function ringPublishTrade(
  h: NativeHandle,
  symbol: number,
  tsNs: bigint,
  price: number,
  qty: number,
  side: number,
): number {
  return flox_ring_publish_trade(h, symbol, tsNs, price, qty, side);
}

/** n trades in one claim; published[0] = how many were accepted (a prefix). Returns the status. */
export function ringPublishTrades(
  h: NativeHandle,
  n: number,
  symbols: Uint32Array,
  tsNs: BigInt64Array,
  prices: Float64Array,
  qtys: Float64Array,
  sides: Uint8Array,
  published: Uint32Array,
): number {
  return flox_ring_publish_trades(h, n, symbols, tsNs, prices, qtys, sides, published);
}

/** One book update (empty sides are placeholders with a 0 count). Returns the status. */
export function ringPublishBook(
  h: NativeHandle,
  symbol: number,
  tsNs: bigint,
  snapshot: number,
  bidPrices: Float64Array,
  bidQtys: Float64Array,
  nBids: number,
  askPrices: Float64Array,
  askQtys: Float64Array,
  nAsks: number,
): number {
  return flox_ring_publish_book(h, symbol, tsNs, snapshot, bidPrices, bidQtys, nBids, askPrices, askQtys, nAsks);
}

/** Moves up to `cap` events into the columns; out = [events, levels, more]. */
export function ringDrain(
  operation: string,
  h: NativeHandle,
  cap: number,
  kinds: Uint8Array,
  sides: Uint8Array,
  symbols: Uint32Array,
  tsNs: BigInt64Array,
  prices: Float64Array,
  qtys: Float64Array,
  nBids: Uint32Array,
  nAsks: Uint32Array,
  levelPrices: Float64Array,
  levelQtys: Float64Array,
  levelsCap: number,
  out: Uint32Array,
): void {
  check(
    flox_ring_drain(
      h,
      cap,
      kinds,
      sides,
      symbols,
      tsNs,
      prices,
      qtys,
      nBids,
      nAsks,
      levelPrices,
      levelQtys,
      levelsCap,
      out,
    ),
    operation,
  );
}

/** Closes the ring to producers (what was accepted stays drainable). */
export function ringClose(operation: string, h: NativeHandle): void {
  check(flox_ring_close(h), operation);
}

/** As ringClose, ignoring the status (for close paths that must not throw). */
export function ringCloseQuietly(h: NativeHandle): void {
  flox_ring_close(h);
}

export function ringReopen(operation: string, h: NativeHandle): void {
  check(flox_ring_reopen(h), operation);
}

/** out = [pending, drained, full rejections, closed]. */
export function ringStats(operation: string, h: NativeHandle, out: BigUint64Array): void {
  check(flox_ring_stats(h, out), operation);
}

/** The ring's address, for a RingTicket a Worker turns back into a handle with ringFromAddress. */
export function ringAddress(h: NativeHandle): bigint {
  return backend.handleAddress(h);
}

export function ringFromAddress(address: bigint): NativeHandle {
  return backend.handleFrom(address);
}
