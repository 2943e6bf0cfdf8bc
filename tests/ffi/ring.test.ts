// Raw ring symbols and the EventRing / RingProducer binding: validation, book levels through the
// ring, FULL and CLOSED, and Worker producers racing the main-thread consumer (count and order).
import { describe, test } from "node:test";
import { assert, assertEquals, assertThrows } from "@std/assert";
import { backend, lib } from "../../lib/ffi/load.ts";
import { FloxError } from "../../lib/errors.ts";
import { FloxStatus } from "../../lib/status_codes.ts";
import { EventRing, RingBatch, RingEventKind, RingProducer } from "../../lib/ring.ts";

const tick = () => new Promise((r) => setTimeout(r, 0));

function throwsCode(fn: () => unknown, code: number, includes?: string): void {
  const err = assertThrows(fn, FloxError) as FloxError;
  assertEquals(err.codeName, new FloxError(code, "").codeName, err.message);
  if (includes) assert(err.message.includes(includes), `"${err.message}" should include "${includes}"`);
}

describe("raw ring symbols", () => {
  test("create rejects capacities that are not a power of two in range", () => {
    const out = new BigUint64Array(1);
    assertEquals(lib.flox_ring_create(1000, out), FloxStatus.INVALID_ARG);
    assertEquals(lib.flox_ring_create(8, out), FloxStatus.INVALID_ARG);
    assertEquals(lib.flox_ring_create(64, out), FloxStatus.OK);
    const h = backend.handleFrom(out[0]);
    assertEquals(lib.flox_ring_capacity(h), 64);
    assertEquals(lib.flox_ring_publish_trade(h, 3, 10n, 100.5, 2, 1), FloxStatus.OK);
    assertEquals(lib.flox_ring_publish_trade(h, 3, 11n, -1, 2, 1), FloxStatus.BAD_PRICE);
    const b = new RingBatch(8, 8);
    assertEquals(
      lib.flox_ring_drain(
        h,
        8,
        b.kinds,
        b.sides,
        b.symbols,
        b.tsNs,
        b.prices,
        b.qtys,
        b.nBids,
        b.nAsks,
        b.levelPrices,
        b.levelQtys,
        8,
        b.out,
      ),
      FloxStatus.OK,
    );
    assertEquals([...b.out], [1, 0, 0]);
    assertEquals([b.kinds[0], b.sides[0], b.symbols[0], b.tsNs[0], b.prices[0], b.qtys[0]], [0, 1, 3, 10n, 100.5, 2]);
    lib.flox_ring_destroy(h);
    lib.flox_ring_destroy(null);
  });
});

describe("EventRing", () => {
  test("trades and books come out in order with their levels, across the end of the array", () => {
    using ring = new EventRing(16);
    const batch = new RingBatch(64, 64);
    for (let round = 0; round < 5; round++) {
      // 1 trade + a 3+2 level book (1 + 3 slots) + a delta with no asks: wraps every few rounds.
      assert(ring.tryPublishTrade(7, 100 + round, 0.5, round % 2 === 0, BigInt(round * 10)));
      const bp = new Float64Array([99, 98, 97]), bq = new Float64Array([1, 2, 3 + round]);
      const ap = new Float64Array([101, 102]), aq = new Float64Array([4, 0.25]);
      assert(ring.tryPublishBook(8, bp, bq, ap, aq, BigInt(round * 10 + 1), true));
      assert(
        ring.tryPublishBook(
          8,
          bp.subarray(0, 1),
          new Float64Array([0]),
          new Float64Array(0),
          new Float64Array(0),
          BigInt(round * 10 + 2),
          false,
        ),
      );
      assertEquals(ring.drain(batch), 3);
      assertEquals(batch.more, false);
      assertEquals([...batch.kinds.subarray(0, 3)], [
        RingEventKind.TRADE,
        RingEventKind.BOOK_SNAPSHOT,
        RingEventKind.BOOK_DELTA,
      ]);
      assertEquals([...batch.tsNs.subarray(0, 3)], [
        BigInt(round * 10),
        BigInt(round * 10 + 1),
        BigInt(round * 10 + 2),
      ]);
      assertEquals(batch.sides[0], round % 2 === 0 ? 0 : 1);
      assertEquals(batch.prices[0], 100 + round);
      assertEquals([batch.nBids[1], batch.nAsks[1], batch.nBids[2], batch.nAsks[2]], [3, 2, 1, 0]);
      assertEquals(batch.levels, 6);
      assertEquals([...batch.levelPrices.subarray(0, 6)], [99, 98, 97, 101, 102, 99]);
      assertEquals([...batch.levelQtys.subarray(0, 6)], [1, 2, 3 + round, 4, 0.25, 0]);
    }
    assertEquals(ring.stats().drained, 15);
  });

  test("bad input names the field; nothing is published", () => {
    using ring = new EventRing(16);
    throwsCode(() => ring.tryPublishTrade(1, NaN, 1, true, 1n), FloxStatus.BAD_PRICE, "price is nan");
    throwsCode(() => ring.tryPublishTrade(1, 1, 0, true, 1n), FloxStatus.BAD_QUANTITY, "qty is 0");
    const one = new Float64Array([1]), two = new Float64Array([1, 2]);
    throwsCode(() => ring.tryPublishBook(1, one, two, one, one, 1n, true), FloxStatus.LENGTH_MISMATCH, "bidQtys");
    throwsCode(
      () => ring.tryPublishBook(1, one, one, new Float64Array([-3]), one, 1n, true),
      FloxStatus.BAD_PRICE,
      "askPrices[0] is -3",
    );
    const cols = {
      symbols: new Uint32Array([1, 1, 1]),
      tsNs: new BigInt64Array([1n, 2n, 3n]),
      prices: new Float64Array([1, 2, 3]),
      qtys: new Float64Array([1, 1, 1]),
      sides: new Uint8Array([0, 1, 2]),
    };
    throwsCode(() => ring.tryPublishTrades(cols), FloxStatus.BAD_SIDE, "trades[2]: side is 2");
    throwsCode(() => ring.tryPublishTrades(cols, 1), FloxStatus.BAD_SIDE, "row 2: side is 2");
    throwsCode(() => new EventRing(100), FloxStatus.INVALID_ARG, "power of two");
    assertEquals(ring.stats().pending, 0);
  });

  test("a full ring refuses without waiting; shutdown refuses with CLOSED but keeps queued events", () => {
    using ring = new EventRing(16);
    for (let i = 0; i < 16; i++) assert(ring.tryPublishTrade(1, 1 + i, 1, true, BigInt(i)));
    assertEquals(ring.tryPublishTrade(1, 99, 1, true, 99n), false);
    assertEquals(ring.stats(), { pending: 16, drained: 0, fullRejections: 1, closed: false });
    // On the main thread a blocking producer must not wait for the consumer that runs here.
    const producer = RingProducer.fromTicket(ring.ticket());
    throwsCode(() => producer.publishTrade(1, 99, 1, true, 99n), FloxStatus.FULL, "main thread");
    ring.shutdown();
    throwsCode(() => ring.tryPublishTrade(1, 99, 1, true, 99n), FloxStatus.CLOSED);
    assert(producer.closed);
    const batch = new RingBatch(10);
    assertEquals(ring.drain(batch), 10);
    assertEquals(batch.more, true);
    assertEquals(ring.drain(batch), 6);
    assertEquals(batch.tsNs[5], 15n);
    assertEquals(batch.more, false);
    ring.reopen();
    assert(ring.tryPublishTrade(1, 99, 1, true, 99n));
    ring.close();
    throwsCode(() => ring.drain(batch), FloxStatus.CLOSED);
    throwsCode(() => RingProducer.fromTicket({} as never), FloxStatus.INVALID_ARG, "ticket");
  });

  test("close() waits for registered producers before freeing; late producers are refused", () => {
    const ring = new EventRing(16);
    const ticket = ring.ticket();
    const producer = RingProducer.fromTicket(ticket);
    ring.close();
    // The memory is still there (the producer is registered): publishing fails cleanly, no crash.
    throwsCode(() => producer.tryPublishTrade(1, 1, 1, true, 1n), FloxStatus.CLOSED, "closed");
    throwsCode(() => RingProducer.fromTicket(ticket), FloxStatus.CLOSED, "runner was closed");
    producer.release();
    producer.release();
    throwsCode(() => producer.publishTrade(1, 1, 1, true, 1n), FloxStatus.CLOSED, "released");
    assert(ring.closed);
  });
});

interface Done {
  producer: number;
  published?: number;
  waits?: number;
  error?: string;
  code?: string;
}

function startProducer(job: Record<string, unknown>): { worker: Worker; done: Promise<Done> } {
  const worker = new Worker(new URL("../support/ring_producer_worker.ts", import.meta.url).href, { type: "module" });
  const done = new Promise<Done>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<Done>) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(`worker failed: ${(e as ErrorEvent).message}`));
  });
  worker.postMessage(job);
  return { worker, done };
}

describe("Worker producers", () => {
  test("two Workers (one publishing singly, one in batches) into a small ring: all events, each in order", async () => {
    const count = 100_000;
    using ring = new EventRing(1024);
    const batch = new RingBatch(512);
    const a = startProducer({ ticket: ring.ticket(), producer: 1, count, mode: "single", books: true });
    const b = startProducer({ ticket: ring.ticket(), producer: 2, count, mode: "batch", batch: 700 });
    const next = [0, 0, 0];
    let errors = 0, books = 0;
    try {
      while (next[1] + next[2] < 2 * count) {
        const n = ring.drain(batch);
        let level = 0;
        for (let i = 0; i < n; i++) {
          const p = batch.symbols[i], expected = next[p];
          if (batch.tsNs[i] !== BigInt(expected)) errors++;
          else if (batch.kinds[i] === RingEventKind.TRADE) {
            if (batch.prices[i] !== 1 + (expected % 1000) || batch.sides[i] !== (expected & 1)) errors++;
          } else {
            books++;
            if (p !== 1 || expected % 1000 !== 999 || batch.levelPrices[level] !== 1000) errors++;
          }
          level += batch.nBids[i] + batch.nAsks[i];
          next[p]++;
        }
        if (errors > 0) break;
        if (n === 0) await tick();
      }
      const [da, db] = await Promise.all([a.done, b.done]);
      assertEquals(da.error, undefined);
      assertEquals(db.error, undefined);
      assertEquals(errors, 0);
      assertEquals(next, [0, count, count]);
      assertEquals(books, count / 1000);
      assertEquals(ring.drain(batch), 0);
      assertEquals(ring.stats().drained, 2 * count);
    } finally {
      a.worker.terminate();
      b.worker.terminate();
    }
  });

  test("shutdown wakes a Worker waiting for room, which then fails with CLOSED", async () => {
    using ring = new EventRing(16);
    const w = startProducer({ ticket: ring.ticket(), producer: 1, count: 1000, mode: "single" });
    try {
      let settled = false;
      w.done.finally(() => (settled = true));
      while (ring.stats().fullRejections === 0 && !settled) await tick();
      assert(!settled, "the worker finished before it filled the ring");
      ring.shutdown();
      const done = await w.done;
      assertEquals(done.code, "CLOSED");
      const batch = new RingBatch(64);
      assertEquals(ring.drain(batch), 16); // what was accepted before the shutdown
      assertEquals(batch.tsNs[15], 15n);
    } finally {
      w.worker.terminate();
    }
  });
});
