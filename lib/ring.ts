// The live runner's event ring: a native multi-producer, single-consumer queue of market events
// (cabi/src/ring.c). EventRing owns the ring and is its one consumer; RingProducer publishes into it
// from any thread, including Web Workers that receive a RingTicket by postMessage.
//
// Back-pressure: the native ring never waits; a full ring refuses the event (FLOX_E_FULL) and the
// caller decides. A RingProducer in a Worker waits on a SharedArrayBuffer word that the consumer
// bumps after every drain (Atomics.wait with a short timeout), then retries. On the main thread a
// producer must not wait (the consumer runs on that same thread), so RingProducer refuses to wait
// there and the Runner drains inline instead.
//
// Wake-up: an idle consumer sets a "sleeping" word and waits with Atomics.waitAsync (waitForEvents);
// the next producer to publish sees the word and notifies, so busy producers pay one atomic load.
import { isMainThread } from "node:worker_threads";
import { closedError, FloxError, invalidArgument } from "./errors.ts";
import { OwnedHandle } from "./ffi/handle.ts";
import {
  ringAddress,
  ringCapacity,
  ringClose,
  ringCloseQuietly,
  ringCreate,
  ringDestroy,
  ringDrain,
  ringFromAddress,
  ringPublishBook,
  ringPublishTrade,
  ringPublishTrades,
  ringReopen,
  ringStats,
} from "./ffi/ring_native.ts";
import { lastErrorMessage } from "./ffi/status.ts";
import type { NativeHandle } from "./ffi/types.ts";
import { FloxStatus } from "./status_codes.ts";

/** Kinds in RingBatch.kinds (enum flox_ring_event_kind). */
export const RingEventKind = { TRADE: 0, BOOK_SNAPSHOT: 1, BOOK_DELTA: 2 } as const;

/** Bounds of the native ring (flox.h). */
export const RING_MIN_CAPACITY = 16;
export const RING_MAX_CAPACITY = 1 << 22;
/** Most levels per side of one book update in the ring. */
export const RING_MAX_LEVELS = 4096;

// Words of the shared signal buffer.
const GENERATION = 0; // bumped by the consumer after each drain that freed slots, and on shutdown
const CLOSED = 1; // 1 while the ring is closed to producers (mirror of the native flag, for waiters)
const PRODUCERS = 2; // RingProducers made from a ticket and not yet released
const FREED = 3; // 1 once the owner closed the ring: no new producers; memory freed when PRODUCERS is 0
const SLEEPING = 4; // 1 while the consumer waits for events (producers then bump WAKE and notify)
const WAKE = 5; // bumped by a producer that found the consumer sleeping
const SIGNAL_WORDS = 6;

/** Wakes a consumer waiting in EventRing.waitForEvents; a producer calls it after a publish. */
function wakeConsumer(sig: Int32Array): void {
  if (Atomics.load(sig, SLEEPING) === 0) return;
  Atomics.store(sig, SLEEPING, 0);
  Atomics.add(sig, WAKE, 1);
  Atomics.notify(sig, WAKE);
}

type WaitAsync = (
  a: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
) => { async: boolean; value: Promise<unknown> | string };
const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

// Rings with tickets out stay reachable until close(): the FinalizationRegistry backstop must never
// free memory a Worker may still write to. Forgetting such a ring leaks it instead of crashing.
const ticketed = new Set<EventRing>();
const FREE_RETRY_MS = 200;

/** Everything a Worker needs to publish into a ring; structured-cloneable (postMessage it). */
export interface RingTicket {
  readonly kind: "flox.ring";
  /** Address of the native ring. Valid until the owner closes the ring. */
  readonly address: bigint;
  readonly capacity: number;
  /** Int32 words shared with the consumer: drain generation and closed flag. */
  readonly signal: SharedArrayBuffer;
}

/** Column set a drain writes into; reuse one across drains (no allocation per drain). */
export class RingBatch {
  readonly kinds: Uint8Array;
  /** Trades: 0 buy (aggressor bought), 1 sell. */
  readonly sides: Uint8Array;
  readonly symbols: Uint32Array;
  readonly tsNs: BigInt64Array;
  readonly prices: Float64Array;
  readonly qtys: Float64Array;
  readonly nBids: Uint32Array;
  readonly nAsks: Uint32Array;
  /** Levels of the drained books, one book after the other: its bids (best first), then its asks. */
  readonly levelPrices: Float64Array;
  readonly levelQtys: Float64Array;
  /** Events in the batch after the last drain. */
  length = 0;
  /** Levels used in levelPrices/levelQtys after the last drain. */
  levels = 0;
  /** True when more events were claimed in the ring after this batch (drain again). */
  more = false;
  /** @internal drain's out-parameter: events, levels, more. */
  readonly out = new Uint32Array(3);

  /**
   * @param maxEvents events per drain (default 4096).
   * @param levelsCap level slots; at least the largest book you publish (bids + asks). Default:
   *   2 * RING_MAX_LEVELS, enough for any book the ring accepts.
   */
  constructor(maxEvents = 4096, levelsCap = 2 * RING_MAX_LEVELS) {
    if (!Number.isInteger(maxEvents) || maxEvents < 1) {
      throw invalidArgument("RingBatch.constructor", `maxEvents is ${maxEvents}; must be an integer >= 1`);
    }
    if (!Number.isInteger(levelsCap) || levelsCap < 0) {
      throw invalidArgument("RingBatch.constructor", `levelsCap is ${levelsCap}; must be an integer >= 0`);
    }
    this.kinds = new Uint8Array(maxEvents);
    this.sides = new Uint8Array(maxEvents);
    this.symbols = new Uint32Array(maxEvents);
    this.tsNs = new BigInt64Array(maxEvents);
    this.prices = new Float64Array(maxEvents);
    this.qtys = new Float64Array(maxEvents);
    this.nBids = new Uint32Array(maxEvents);
    this.nAsks = new Uint32Array(maxEvents);
    // At least one element each: an empty typed array may reach C as a non-NULL pointer in Bun.
    this.levelPrices = new Float64Array(Math.max(levelsCap, 1));
    this.levelQtys = new Float64Array(Math.max(levelsCap, 1));
    this.#levelsCap = levelsCap;
  }

  readonly #levelsCap: number;
  /** Capacity of the level arrays. */
  get levelsCap(): number {
    return this.#levelsCap;
  }
}

/** Counters of a ring. */
export interface RingStats {
  /** Slots claimed and not yet drained. */
  pending: number;
  /** Events drained since the ring was created. */
  drained: number;
  /** Publishes refused because the ring was full (each retry counts). */
  fullRejections: number;
  /** True while closed to producers. */
  closed: boolean;
}

/** Columns for RingProducer.publishTrades / EventRing.tryPublishTrades. */
export interface TradeColumnsIn {
  symbols: Uint32Array;
  tsNs: BigInt64Array;
  prices: Float64Array;
  qtys: Float64Array;
  /** 0 buy (aggressor bought), 1 sell. */
  sides: Uint8Array;
}

const EMPTY = new Float64Array(1);
const sideOf = (isBuy: boolean) => (isBuy ? 0 : 1);

function checkLevels(
  op: string,
  bidPrices: Float64Array,
  bidQtys: Float64Array,
  askPrices: Float64Array,
  askQtys: Float64Array,
): void {
  if (bidPrices.length !== bidQtys.length) {
    throw new FloxError(
      FloxStatus.LENGTH_MISMATCH,
      `${op}: bidPrices has ${bidPrices.length} levels but bidQtys has ${bidQtys.length}`,
    );
  }
  if (askPrices.length !== askQtys.length) {
    throw new FloxError(
      FloxStatus.LENGTH_MISMATCH,
      `${op}: askPrices has ${askPrices.length} levels but askQtys has ${askQtys.length}`,
    );
  }
}

// Shared by EventRing and RingProducer: one publish attempt; true when accepted, false when full,
// throws on any other status.
function tryTrade(
  h: NativeHandle,
  op: string,
  symbol: number,
  price: number,
  qty: number,
  isBuy: boolean,
  tsNs: bigint,
): boolean {
  const s = ringPublishTrade(h, symbol, tsNs, price, qty, sideOf(isBuy));
  if (s === FloxStatus.OK) return true;
  if (s === FloxStatus.FULL) return false;
  throw new FloxError(s, `${op}: ${lastErrorMessage(s)}`);
}

function tryBook(
  h: NativeHandle,
  op: string,
  symbol: number,
  bidPrices: Float64Array,
  bidQtys: Float64Array,
  askPrices: Float64Array,
  askQtys: Float64Array,
  tsNs: bigint,
  snapshot: boolean,
): boolean {
  const nb = bidPrices.length, na = askPrices.length;
  const s = ringPublishBook(
    h,
    symbol,
    tsNs,
    snapshot ? 1 : 0,
    nb > 0 ? bidPrices : EMPTY,
    nb > 0 ? bidQtys : EMPTY,
    nb,
    na > 0 ? askPrices : EMPTY,
    na > 0 ? askQtys : EMPTY,
    na,
  );
  if (s === FloxStatus.OK) return true;
  if (s === FloxStatus.FULL) return false;
  throw new FloxError(s, `${op}: ${lastErrorMessage(s)}`);
}

const publishedOut = new Uint32Array(1);

// Publishes rows [from, n) and returns how many were accepted (a prefix); throws on bad rows/closed.
function tryTrades(h: NativeHandle, op: string, cols: TradeColumnsIn, from: number, n: number): number {
  if (from >= n) return 0;
  const whole = from === 0 && n === cols.prices.length;
  const s = ringPublishTrades(
    h,
    n - from,
    whole ? cols.symbols : cols.symbols.subarray(from, n),
    whole ? cols.tsNs : cols.tsNs.subarray(from, n),
    whole ? cols.prices : cols.prices.subarray(from, n),
    whole ? cols.qtys : cols.qtys.subarray(from, n),
    whole ? cols.sides : cols.sides.subarray(from, n),
    publishedOut,
  );
  if (s === FloxStatus.OK || s === FloxStatus.FULL) return publishedOut[0];
  let msg = lastErrorMessage(s);
  // The C message counts rows from the start of this call; name the caller's row instead.
  if (from > 0) msg = msg.replace(/trades\[(\d+)\]/, (_m, i) => `row ${from + Number(i)}`);
  throw new FloxError(s, `${op}: ${msg}`);
}

function checkColumns(op: string, cols: TradeColumnsIn): number {
  const n = cols.prices.length;
  for (const [name, col] of Object.entries(cols) as [string, { length: number }][]) {
    if (col.length !== n) {
      throw new FloxError(FloxStatus.LENGTH_MISMATCH, `${op}: ${name} has ${col.length} rows but prices has ${n}`);
    }
  }
  return n;
}

/**
 * Owner and single consumer of a native ring. Publish from this thread with the try* methods
 * (false when full), drain into a RingBatch, and hand `ticket()` to Workers that publish through
 * RingProducer. close() frees the native memory: stop every Worker producer first.
 */
export class EventRing {
  readonly #handle: OwnedHandle;
  readonly #signal: Int32Array;
  readonly #sab: SharedArrayBuffer;
  readonly #stats = new BigUint64Array(4);
  #open = true;
  /** Slots (a power of two). */
  readonly capacity: number;

  /** @param capacity slots, a power of two in [16, 4194304]; default 65536 (4 MiB). */
  constructor(capacity = 65536) {
    if (!Number.isInteger(capacity) || capacity < 0 || capacity > 0xffffffff) {
      throw invalidArgument(
        "EventRing.constructor",
        `capacity is ${capacity}; must be a power of two in [16, 4194304]`,
      );
    }
    const raw = ringCreate("EventRing.constructor", capacity);
    this.#handle = new OwnedHandle(raw, ringDestroy, "EventRing");
    this.capacity = ringCapacity(raw);
    this.#sab = new SharedArrayBuffer(SIGNAL_WORDS * 4);
    this.#signal = new Int32Array(this.#sab);
  }

  /** A structured-cloneable ticket for RingProducer.fromTicket in a Worker. */
  ticket(): RingTicket {
    const h = this.#h("EventRing.ticket");
    ticketed.add(this);
    return { kind: "flox.ring", address: ringAddress(h), capacity: this.capacity, signal: this.#sab };
  }

  /** Publishes a trade; false (nothing published) when the ring is full. Throws on bad input or when closed. */
  tryPublishTrade(symbol: number, price: number, qty: number, isBuy: boolean, tsNs: bigint): boolean {
    return tryTrade(
      this.#h("EventRing.tryPublishTrade"),
      "EventRing.tryPublishTrade",
      symbol,
      price,
      qty,
      isBuy,
      tsNs,
    );
  }

  /** Publishes a book update; false (nothing published) when the ring is full. */
  tryPublishBook(
    symbol: number,
    bidPrices: Float64Array,
    bidQtys: Float64Array,
    askPrices: Float64Array,
    askQtys: Float64Array,
    tsNs: bigint,
    snapshot: boolean,
  ): boolean {
    const op = "EventRing.tryPublishBook";
    checkLevels(op, bidPrices, bidQtys, askPrices, askQtys);
    return tryBook(this.#h(op), op, symbol, bidPrices, bidQtys, askPrices, askQtys, tsNs, snapshot);
  }

  /** Publishes rows [from, end) in one claim; returns how many were accepted (fewer when the ring filled up). */
  tryPublishTrades(cols: TradeColumnsIn, from = 0): number {
    const op = "EventRing.tryPublishTrades";
    const n = checkColumns(op, cols);
    return tryTrades(this.#h(op), op, cols, from, n);
  }

  /**
   * Moves up to batch-size published events into `batch` (oldest first) and wakes producers waiting
   * for room. Returns the number of events. Only one drain at a time (single consumer).
   */
  drain(batch: RingBatch): number {
    const h = this.#h("EventRing.drain");
    ringDrain(
      "EventRing.drain",
      h,
      batch.kinds.length,
      batch.kinds,
      batch.sides,
      batch.symbols,
      batch.tsNs,
      batch.prices,
      batch.qtys,
      batch.nBids,
      batch.nAsks,
      batch.levelPrices,
      batch.levelQtys,
      batch.levelsCap,
      batch.out,
    );
    const n = batch.out[0];
    batch.length = n;
    batch.levels = batch.out[1];
    batch.more = batch.out[2] !== 0;
    if (n > 0) {
      Atomics.add(this.#signal, GENERATION, 1);
      Atomics.notify(this.#signal, GENERATION);
    }
    return n;
  }

  /**
   * Closes the ring to producers: later publishes throw FloxError(CLOSED); what was accepted can
   * still be drained (drain until `batch.more` is false). Waiting Worker producers wake up and throw.
   */
  shutdown(): void {
    ringClose("EventRing.shutdown", this.#h("EventRing.shutdown"));
    Atomics.store(this.#signal, CLOSED, 1);
    Atomics.add(this.#signal, GENERATION, 1);
    Atomics.notify(this.#signal, GENERATION);
    wakeConsumer(this.#signal);
  }

  /** Opens a shut-down ring to producers again. */
  reopen(): void {
    ringReopen("EventRing.reopen", this.#h("EventRing.reopen"));
    Atomics.store(this.#signal, CLOSED, 0);
  }

  /**
   * Consumer side, when idle: returns null if events are already queued, else a promise that
   * settles when a RingProducer publishes (it finds the consumer sleeping and notifies) or after
   * timeoutMs at the latest (a safety net; also the fallback where Atomics.waitAsync is missing).
   */
  waitForEvents(timeoutMs: number): Promise<unknown> | null {
    const sig = this.#signal, h = this.#h("EventRing.waitForEvents");
    Atomics.store(sig, SLEEPING, 1);
    const seen = Atomics.load(sig, WAKE);
    // Checked after SLEEPING is set: a publish either is seen here or sees SLEEPING and notifies.
    ringStats("EventRing.waitForEvents", h, this.#stats);
    if (this.#stats[0] !== 0n) {
      Atomics.store(sig, SLEEPING, 0);
      return null;
    }
    if (waitAsync === undefined) return new Promise((resolve) => setTimeout(resolve, timeoutMs));
    const r = waitAsync(sig, WAKE, seen, timeoutMs);
    return r.async ? r.value as Promise<unknown> : Promise.resolve(r.value);
  }

  stats(): RingStats {
    ringStats("EventRing.stats", this.#h("EventRing.stats"), this.#stats);
    const s = this.#stats;
    return { pending: Number(s[0]), drained: Number(s[1]), fullRejections: Number(s[2]), closed: s[3] !== 0n };
  }

  get closed(): boolean {
    return !this.#open;
  }

  /**
   * Closes the ring: producers get FloxError(CLOSED) and no new RingProducer can be made from its
   * tickets. The native memory is freed now when no RingProducer is registered, otherwise as soon as
   * the last one calls release() (checked every 200 ms; a Worker that never releases leaks the ring
   * rather than risking a write into freed memory). Idempotent.
   */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    ringCloseQuietly(this.#handle.get("EventRing.close")); // registered producers now get CLOSED
    const sig = this.#signal;
    Atomics.store(sig, CLOSED, 1);
    Atomics.store(sig, FREED, 1);
    Atomics.add(sig, GENERATION, 1);
    Atomics.notify(sig, GENERATION);
    wakeConsumer(sig);
    if (!this.#freeIfUnused()) {
      const timer = setInterval(() => {
        if (this.#freeIfUnused()) clearInterval(timer);
      }, FREE_RETRY_MS);
      (timer as unknown as { unref?: () => void }).unref?.();
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #h(op: string): NativeHandle {
    if (!this.#open) throw closedError(op, "the ring");
    return this.#handle.get(op);
  }

  // FREED is stored before PRODUCERS is read and RingProducer.fromTicket adds to PRODUCERS before
  // reading FREED (all sequentially consistent), so a producer either is counted here or refuses.
  #freeIfUnused(): boolean {
    if (Atomics.load(this.#signal, PRODUCERS) !== 0) return false;
    this.#handle.close();
    ticketed.delete(this);
    return true;
  }
}

/** Options of RingProducer.fromTicket. */
export interface RingProducerOptions {
  /** Longest a blocking publish waits for room before throwing FloxError(FULL). Default 30000 ms. */
  maxWaitMs?: number;
  /** Longest single Atomics.wait between retries (the consumer normally wakes us sooner). Default 1 ms. */
  backoffMs?: number;
}

// WorkerGlobalScope exists in Deno's workers; Bun's workers report isMainThread = false.
const onMainThread = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === "undefined" &&
  isMainThread;

/**
 * Publishes into a ring owned elsewhere (usually inside a Worker, from a RingTicket). The blocking
 * publish* methods wait for room with Atomics.wait when the ring is full; the try* methods never wait.
 * Throws FloxError(CLOSED) once the owner stopped the runner. Does not own the ring.
 */
export class RingProducer {
  readonly #handle: NativeHandle;
  readonly #signal: Int32Array;
  readonly #maxWaitMs: number;
  readonly #backoffMs: number;
  #released = false;
  /** Times a publish found the ring full and waited. */
  waits = 0;

  private constructor(handle: NativeHandle, signal: Int32Array, options: RingProducerOptions) {
    this.#handle = handle;
    this.#signal = signal;
    this.#maxWaitMs = options.maxWaitMs ?? 30_000;
    this.#backoffMs = options.backoffMs ?? 1;
    if (!(this.#maxWaitMs >= 0) || !(this.#backoffMs > 0)) {
      throw invalidArgument("RingProducer.fromTicket", "maxWaitMs must be >= 0 and backoffMs > 0");
    }
  }

  /** Rebuilds a producer from a ticket received by postMessage (EventRing.ticket / Runner.producerTicket). */
  static fromTicket(ticket: RingTicket, options: RingProducerOptions = {}): RingProducer {
    if (
      ticket === null || typeof ticket !== "object" || ticket.kind !== "flox.ring" ||
      typeof ticket.address !== "bigint" || ticket.address === 0n || !(ticket.signal instanceof SharedArrayBuffer)
    ) {
      throw invalidArgument("RingProducer.fromTicket", "not a ring ticket (from runner.producerTicket())");
    }
    const signal = new Int32Array(ticket.signal);
    const producer = new RingProducer(ringFromAddress(ticket.address), signal, options);
    Atomics.add(signal, PRODUCERS, 1);
    if (Atomics.load(signal, FREED) === 1) {
      Atomics.sub(signal, PRODUCERS, 1);
      throw closedError("RingProducer.fromTicket", "the ring (its runner was closed)");
    }
    return producer;
  }

  /**
   * Gives up this producer's use of the ring: later publishes throw CLOSED, and the owner may free
   * the ring once every producer released it. Call it when the Worker is done (or use `using`).
   * Idempotent.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    Atomics.sub(this.#signal, PRODUCERS, 1);
  }

  [Symbol.dispose](): void {
    this.release();
  }

  #h(op: string): NativeHandle {
    if (this.#released) throw closedError(op, "this RingProducer (released)");
    return this.#handle;
  }

  /** True once the owner shut the ring down (publishes throw CLOSED). */
  get closed(): boolean {
    return Atomics.load(this.#signal, CLOSED) === 1;
  }

  /** Publishes a trade if there is room; false (nothing published) when the ring is full. Never waits. */
  tryPublishTrade(symbol: number, price: number, qty: number, isBuy: boolean, tsNs: bigint): boolean {
    const op = "RingProducer.tryPublishTrade";
    if (!tryTrade(this.#h(op), op, symbol, price, qty, isBuy, tsNs)) return false;
    wakeConsumer(this.#signal);
    return true;
  }

  /** Publishes a trade, waiting for room when the ring is full (Workers only; see class doc). */
  publishTrade(symbol: number, price: number, qty: number, isBuy: boolean, tsNs: bigint): void {
    const op = "RingProducer.publishTrade";
    const h = this.#h(op);
    let seen = Atomics.load(this.#signal, GENERATION);
    if (!tryTrade(h, op, symbol, price, qty, isBuy, tsNs)) {
      const started = performance.now();
      do {
        this.#wait(op, seen, started);
        seen = Atomics.load(this.#signal, GENERATION);
      } while (!tryTrade(h, op, symbol, price, qty, isBuy, tsNs));
    }
    wakeConsumer(this.#signal);
  }

  /** Publishes a book update, waiting for room when the ring is full. */
  publishBook(
    symbol: number,
    bidPrices: Float64Array,
    bidQtys: Float64Array,
    askPrices: Float64Array,
    askQtys: Float64Array,
    tsNs: bigint,
    snapshot = true,
  ): void {
    const op = "RingProducer.publishBook";
    const h = this.#h(op);
    checkLevels(op, bidPrices, bidQtys, askPrices, askQtys);
    let seen = Atomics.load(this.#signal, GENERATION);
    if (!tryBook(h, op, symbol, bidPrices, bidQtys, askPrices, askQtys, tsNs, snapshot)) {
      const started = performance.now();
      do {
        this.#wait(op, seen, started);
        seen = Atomics.load(this.#signal, GENERATION);
      } while (!tryBook(h, op, symbol, bidPrices, bidQtys, askPrices, askQtys, tsNs, snapshot));
    }
    wakeConsumer(this.#signal);
  }

  /** Publishes every row of the columns in order (one claim per free stretch), waiting for room as needed. */
  publishTrades(cols: TradeColumnsIn): void {
    const op = "RingProducer.publishTrades";
    const h = this.#h(op);
    const n = checkColumns(op, cols);
    let seen = Atomics.load(this.#signal, GENERATION);
    let done = tryTrades(h, op, cols, 0, n);
    const started = performance.now();
    while (done < n) {
      wakeConsumer(this.#signal); // let it drain what went in while we wait for room
      this.#wait(op, seen, started);
      seen = Atomics.load(this.#signal, GENERATION);
      done += tryTrades(h, op, cols, done, n);
    }
    wakeConsumer(this.#signal);
  }

  // Waits until the consumer drained something since `seen`, or one backoff period.
  #wait(op: string, seen: number, started: number): void {
    if (onMainThread) {
      throw new FloxError(
        FloxStatus.FULL,
        `${op}: the ring is full and this is the main thread, where the consumer runs; waiting here ` +
          "would deadlock. Publish through Runner.onTrade/onBook* (they drain inline) or from a Worker.",
      );
    }
    if (Atomics.load(this.#signal, CLOSED) === 1) return; // the retry throws CLOSED
    if (performance.now() - started > this.#maxWaitMs) {
      throw new FloxError(
        FloxStatus.FULL,
        `${op}: the ring stayed full for ${this.#maxWaitMs} ms; is the runner's event loop blocked?`,
      );
    }
    this.waits++;
    wakeConsumer(this.#signal);
    Atomics.wait(this.#signal, GENERATION, seen, this.#backoffMs);
  }
}
