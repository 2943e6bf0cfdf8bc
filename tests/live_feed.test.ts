// CcxtFeed against the local fake Binance: ccxt's own parser and order-book sync, event by event.
import { describe, test } from "node:test";
import { assert, assertEquals, assertGreater } from "@std/assert";
import { CcxtFeed } from "../lib/live/ccxt_feed.ts";
import { FakeExchange } from "./support/fake_exchange.ts";
import { fakeBinance, waitFor } from "./support/fake_ccxt.ts";
import { MemorySink } from "./support/memory_sink.ts";

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z in ms

function levels(rows: [string, string][]): [number, number][] {
  return rows.map(([p, q]) => [Number(p), Number(q)]);
}

async function setup(
  symbols: { symbol: string; id: number }[],
  opts: { bookDepth?: number; maxDepthLimit?: number } = {},
) {
  const fx = new FakeExchange({ maxDepthLimit: opts.maxDepthLimit });
  await fx.start();
  fx.setBook("BTCUSDT", [["100.00", "1.5"], ["99.50", "2"]], [["100.50", "1"], ["101.00", "3"]]);
  fx.setBook("ETHUSDT", [["10.00", "5"]], [["10.10", "4"]]);
  const ex = await fakeBinance(fx);
  const sink = new MemorySink();
  const notices: string[] = [];
  const feed = new CcxtFeed(ex, symbols, sink, {
    bookDepth: opts.bookDepth,
    reconnectInitialMs: 20,
    reconnectMaxMs: 100,
    onNotice: (m) => notices.push(m),
  });
  feed.start();
  return { fx, ex, sink, feed, notices };
}

describe("CcxtFeed over the fake exchange", () => {
  test("records every trade and every book state for two symbols, in order", async () => {
    const { fx, sink, feed } = await setup([{ symbol: "BTC/USDT", id: 1 }, { symbol: "ETH/USDT", id: 2 }]);
    try {
      for (const s of ["btcusdt@trade", "ethusdt@trade", "btcusdt@depth@100ms", "ethusdt@depth@100ms"]) {
        await fx.waitForSubscriber(s);
      }
      // The REST snapshot of each book is the first book event.
      await waitFor(() => sink.books.length === 2, "two book snapshots");
      const snapBtc = sink.books.find((b) => b.symbolId === 1)!;
      assertEquals(snapBtc.bids, [[100, 1.5], [99.5, 2]]);
      assertEquals(snapBtc.asks, [[100.5, 1], [101, 3]]);

      const sentTrades: { symbolId: number; price: number; qty: number; isBuy: boolean; tsNs: bigint }[] = [];
      const expectedBooks: { symbolId: number; bids: [number, number][]; asks: [number, number][]; tsNs: bigint }[] =
        [];
      for (let i = 0; i < 20; i++) {
        const market = i % 2 === 0 ? "BTCUSDT" : "ETHUSDT";
        const symbolId = i % 2 === 0 ? 1 : 2;
        const price = (i % 2 === 0 ? 100 : 10) + i / 100;
        const t = fx.sendTrade(market, {
          price: price.toFixed(2),
          qty: (0.001 * (i + 1)).toFixed(3),
          buyerIsMaker: i % 3 === 0,
          timeMs: T0 + i,
        });
        // Binance's m=true means the buyer was the maker, so the taker sold.
        sentTrades.push({
          symbolId,
          price: Number(t.price),
          qty: Number(t.qty),
          isBuy: !t.buyerIsMaker,
          tsNs: BigInt(T0 + i) * 1_000_000n,
        });
        await waitFor(() => sink.trades.length === sentTrades.length, `trade ${i}`);

        const bidPx = (i % 2 === 0 ? 99 : 9.9) - i / 100;
        fx.sendDepth(market, { bids: [[bidPx.toFixed(2), String(i + 1)]], asks: [], timeMs: T0 + 1000 + i });
        const b = fx.bookLevels(market);
        expectedBooks.push({
          symbolId,
          bids: levels(b.bids),
          asks: levels(b.asks),
          tsNs: BigInt(T0 + 1000 + i) * 1_000_000n,
        });
        await waitFor(() => sink.books.length === 2 + expectedBooks.length, `book update ${i}`);
      }
      await feed.stop();
      assertEquals(sink.trades, sentTrades);
      assertEquals(
        sink.books.slice(2).map((b) => ({ symbolId: b.symbolId, bids: b.bids, asks: b.asks, tsNs: b.tsNs })),
        expectedBooks,
      );
      assert(sink.books.every((b) => b.snapshot));
      const st = feed.stats();
      assertEquals([st.trades, st.bookUpdates, st.malformed, st.reconnects], [20, 22, 0, 0]);
    } finally {
      await feed.stop();
      await fx.stop();
    }
  });

  test("a burst of trades is recorded completely and book depth is capped", async () => {
    const { fx, sink, feed } = await setup([{ symbol: "BTC/USDT", id: 7 }], { bookDepth: 1 });
    try {
      await fx.waitForSubscriber("btcusdt@trade");
      await fx.waitForSubscriber("btcusdt@depth@100ms");
      await waitFor(() => sink.books.length === 1, "book snapshot");
      assertEquals(sink.books[0].bids, [[100, 1.5]]);
      assertEquals(sink.books[0].asks, [[100.5, 1]]);
      for (let i = 0; i < 200; i++) {
        fx.sendTrade("BTCUSDT", { price: "100.25", qty: "0.5", buyerIsMaker: false, timeMs: T0 + i, id: 5000 + i });
      }
      await waitFor(() => sink.trades.length === 200, "200 trades");
      await feed.stop();
      assertEquals(sink.trades.map((t) => t.tsNs), Array.from({ length: 200 }, (_, i) => BigInt(T0 + i) * 1_000_000n));
      assert(sink.trades.every((t) => t.symbolId === 7 && t.isBuy && t.price === 100.25 && t.qty === 0.5));
    } finally {
      await feed.stop();
      await fx.stop();
    }
  });

  test("a dropped connection reconnects, says so, and leaves a gap in the stats", async () => {
    const { fx, sink, feed, notices } = await setup([{ symbol: "BTC/USDT", id: 1 }]);
    try {
      await fx.waitForSubscriber("btcusdt@trade");
      await fx.waitForSubscriber("btcusdt@depth@100ms");
      await waitFor(() => sink.books.length === 1, "book snapshot");
      fx.sendTrade("BTCUSDT", { price: "100.00", qty: "1", buyerIsMaker: false, timeMs: T0 });
      await waitFor(() => sink.trades.length === 1, "first trade");

      assertEquals(fx.dropConnections(), 2);
      // ccxt resubscribes on the new connections; the book resyncs from a fresh REST snapshot.
      await waitFor(() => fx.subscriptions.filter((s) => s === "btcusdt@trade").length === 2, "trade resubscribe");
      await fx.waitForSubscriber("btcusdt@trade");
      await waitFor(() => sink.books.length === 2, "book snapshot after reconnect");
      fx.sendTrade("BTCUSDT", { price: "101.00", qty: "2", buyerIsMaker: true, timeMs: T0 + 5000 });
      await waitFor(() => sink.trades.length === 2, "trade after reconnect");
      await feed.stop();

      assertEquals(sink.trades.map((t) => [t.price, t.qty, t.isBuy]), [[100, 1, true], [101, 2, false]]);
      const st = feed.stats();
      assertEquals(st.reconnects, 2); // the trade stream and the book stream each lost their connection
      const gaps = feed.gaps.gaps;
      assertEquals(gaps.map((g) => g.stream).sort(), ["binance BTC/USDT book", "binance BTC/USDT trades"]);
      assert(gaps.every((g) => g.resumed && g.endMs >= g.startMs));
      assert(notices.some((n) => n.includes("connection lost")), notices.join("\n"));
      assert(notices.some((n) => n.includes("reconnected")), notices.join("\n"));
      assertEquals(fx.restCount("/api/v3/depth"), 2);
    } finally {
      await feed.stop();
      await fx.stop();
    }
  });

  test("malformed frames and impossible trades are counted and skipped without stopping the feed", async () => {
    const { fx, sink, feed } = await setup([{ symbol: "BTC/USDT", id: 1 }]);
    try {
      await fx.waitForSubscriber("btcusdt@trade");
      await fx.waitForSubscriber("btcusdt@depth@100ms");
      await waitFor(() => sink.books.length === 1, "book snapshot");
      fx.sendRaw("this is not json {");
      await waitFor(() => feed.stats().feedErrors > 0, "bad frame counted");
      // ccxt's own number parsing rejects a non-numeric price: the frame is ignored.
      const before = feed.stats().feedErrors;
      fx.sendTrade("BTCUSDT", { price: "abc", qty: "1", buyerIsMaker: false, timeMs: T0 });
      await waitFor(() => feed.stats().feedErrors > before, "bad price counted");
      // ccxt parses these, the feed refuses them: a negative quantity and a zero price.
      fx.sendTrade("BTCUSDT", { price: "100", qty: "-3", buyerIsMaker: false, timeMs: T0 + 1 });
      await waitFor(() => feed.stats().malformed === 1, "negative qty counted");
      fx.sendTrade("BTCUSDT", { price: "0", qty: "3", buyerIsMaker: false, timeMs: T0 + 1 });
      await waitFor(() => feed.stats().malformed === 2, "zero price counted");
      fx.sendTrade("BTCUSDT", { price: "100.5", qty: "0.25", buyerIsMaker: false, timeMs: T0 + 2 });
      await waitFor(() => sink.trades.length === 1, "valid trade after bad ones");
      await feed.stop();
      assertEquals(sink.trades[0].price, 100.5);
      assertEquals(sink.trades[0].qty, 0.25);
      const st = feed.stats();
      assertGreater(st.feedErrors, 0);
      assertEquals(st.malformed, 2);
      assertEquals(st.trades, 1);
      assertEquals(st.failedStreams, []);
    } finally {
      await feed.stop();
      await fx.stop();
    }
  });

  test("a book depth the venue refuses ends the book stream; trades carry on", async () => {
    // Small numbers: ccxt weighs a depth request by its limit and throttles big ones for seconds.
    const { fx, sink, feed, notices } = await setup([{ symbol: "BTC/USDT", id: 1 }], {
      bookDepth: 100,
      maxDepthLimit: 50,
    });
    try {
      await waitFor(() => feed.stats().failedStreams.length === 1, "the book stream to give up");
      assertEquals(feed.stats().failedStreams, ["binance BTC/USDT book"]);
      assert(notices.some((n) => n.includes("giving up") && n.includes("limit is too large")), notices.join("\n"));
      await fx.waitForSubscriber("btcusdt@trade");
      fx.sendTrade("BTCUSDT", { price: "100", qty: "1", buyerIsMaker: false, timeMs: T0 });
      await waitFor(() => sink.trades.length === 1, "a trade after the book stream failed");
      assert(feed.running);
      assertEquals(sink.books.length, 0);
    } finally {
      await feed.stop();
      await fx.stop();
    }
  });

  test("an unknown symbol fails that stream for good instead of retrying forever", async () => {
    const { fx, feed, notices } = await setup([{ symbol: "DOGE/USDT", id: 1 }]);
    try {
      await waitFor(() => feed.stats().failedStreams.length === 2, "both streams failed");
      assert(!feed.running);
      assert(notices.every((n) => n.includes("giving up")), notices.join("\n"));
    } finally {
      await feed.stop();
      await fx.stop();
    }
  });
});
