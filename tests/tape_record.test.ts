// Live recording into a real tape on disk, through ccxt and the local fake Binance: the tape's
// trades and book updates are checked event by event against what the server sent, and a child
// `flox tape record` stopped with SIGINT or SIGTERM leaves a complete, readable tape.
import { describe, test } from "node:test";
import { spawn } from "node:child_process";
import process from "node:process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { inspectTape, readTrades, replayTape } from "../mod.ts";
import { recordTape } from "../lib/live/record_session.ts";
import { loadRecorderFactory } from "../lib/live/tape_access.ts";
import { StatusLine } from "../lib/live/status_line.ts";
import { FakeExchange } from "./support/fake_exchange.ts";
import { waitFor } from "./support/fake_ccxt.ts";
import { floxCommand, REPO_ROOT } from "./support/cli.ts";

const T0 = 1_767_225_600_000;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "flox-tape-record-"));
}

interface BookRow {
  symbol: number;
  tsNs: bigint;
  bids: number[][];
  asks: number[][];
}

function tapeBooks(dir: string): BookRow[] {
  const books: BookRow[] = [];
  replayTape(dir, {
    onBook(u) {
      books.push({
        symbol: u.symbol,
        tsNs: u.tsNs,
        bids: Array.from(u.bidPrices, (p, i) => [p, u.bidQtys[i]]),
        asks: Array.from(u.askPrices, (p, i) => [p, u.askQtys[i]]),
      });
    },
  });
  return books;
}

function tapeTradeRows(dir: string) {
  const t = readTrades(dir);
  return Array.from({ length: t.length }, (_, i) => ({
    tsNs: t.tsNs[i],
    symbol: t.symbolId[i],
    price: t.price[i],
    qty: t.qty[i],
    side: t.side[i],
  }));
}

describe("tape record into a real tape", () => {
  test("every trade and book update the venue sent is in the tape, in order", async () => {
    const dir = tempDir();
    const fx = new FakeExchange();
    await fx.start();
    fx.setBook("BTCUSDT", [["100.00", "1"], ["99.00", "2"]], [["101.00", "1.5"]]);
    fx.setBook("ETHUSDT", [["10.00", "4"]], [["10.20", "5"]]);
    const abort = new AbortController();
    const out: string[] = [];
    try {
      const makeRecorder = await loadRecorderFactory();
      let recorded = 0;
      let started!: () => void;
      const startedP = new Promise<void>((r) => (started = r));
      const run = recordTape({
        venues: [{ exchange: "binance", symbols: ["BTCUSDT", "ETH/USDT"] }],
        output: dir,
        makeRecorder: (d, o) => {
          const r = makeRecorder(d, o);
          // Count what reaches the recorder so the test can pace itself on it.
          return {
            ...r,
            recordTrade: (...a) => (r.recordTrade(...a), recorded++),
            recordBook: (...a) => (r.recordBook(...a), recorded++),
            recordTrades: (c) => r.recordTrades(c),
            flush: () => r.flush(),
            close: () => r.close(),
            stats: () => r.stats(),
          };
        },
        ccxtConfig: fx.ccxtConfig(),
        signal: abort.signal,
        statusLine: new StatusLine(false),
        out: (l) => out.push(l),
        err: () => {},
        onStarted: started,
      });
      await Promise.race([startedP, run]);
      for (const s of ["btcusdt@trade", "ethusdt@trade", "btcusdt@depth@100ms", "ethusdt@depth@100ms"]) {
        await fx.waitForSubscriber(s);
      }
      await waitFor(() => recorded === 2, "both REST snapshots recorded");
      const wantTrades = [];
      const wantBooks: BookRow[] = [];
      for (let i = 0; i < 30; i++) {
        const market = i % 3 === 0 ? "ETHUSDT" : "BTCUSDT";
        const symbol = market === "BTCUSDT" ? 1 : 2;
        const t = fx.sendTrade(market, {
          price: (symbol === 1 ? 100.12345678 + i : 10.5 + i / 8).toFixed(8),
          qty: (0.00000001 * (i + 1)).toFixed(8),
          buyerIsMaker: i % 2 === 0,
          timeMs: T0 + i * 10,
        });
        wantTrades.push({
          tsNs: BigInt(t.timeMs) * 1_000_000n,
          symbol,
          price: Number(t.price),
          qty: Number(t.qty),
          side: t.buyerIsMaker ? 1 : 0,
        });
        await waitFor(() => recorded === 2 + 2 * i + 1, `trade ${i}`);
        const px = (symbol === 1 ? 98 - i / 100 : 9.9 - i / 1000).toFixed(4);
        fx.sendDepth(market, { bids: [[px, String(i + 1)]], asks: [], timeMs: T0 + i * 10 + 5 });
        const b = fx.bookLevels(market);
        wantBooks.push({
          symbol,
          tsNs: BigInt(T0 + i * 10 + 5) * 1_000_000n,
          bids: b.bids.map(([p, q]) => [Number(p), Number(q)]),
          asks: b.asks.map(([p, q]) => [Number(p), Number(q)]),
        });
        await waitFor(() => recorded === 2 + 2 * i + 2, `book ${i}`);
      }
      abort.abort();
      const result = await run;
      assertEquals(result.exitCode, 0);

      assertEquals(tapeTradeRows(dir), wantTrades);
      const books = tapeBooks(dir);
      assertEquals(books.length, 32);
      // Every diff the venue sent shows up as the book it produced, at the venue's event time.
      const diffTimes = new Set(wantBooks.map((b) => b.tsNs));
      assertEquals(books.filter((b) => diffTimes.has(b.tsNs)), wantBooks);
      // The two REST snapshots carry no venue time: they are stamped with the local clock.
      const snaps = books.filter((b) => !diffTimes.has(b.tsNs)).sort((a, b) => a.symbol - b.symbol);
      assertEquals(snaps.map((b) => [b.symbol, b.bids, b.asks]), [
        [1, [[100, 1], [99, 2]], [[101, 1.5]]],
        [2, [[10, 4]], [[10.2, 5]]],
      ]);
      assert(snaps.every((b) => b.tsNs > BigInt(Date.now() - 60_000) * 1_000_000n));
      const info = inspectTape(dir);
      assertEquals(info.tradeCount, 30);
      assertEquals(info.bookUpdateCount, 32);
      assertEquals(info.exchange, "binance");
      assertEquals(info.symbolNames, { 1: "BTC/USDT", 2: "ETH/USDT" });
      const v = result.venues[0];
      assertEquals([v.recorder.tradesWritten, v.recorder.bookUpdatesWritten, v.recorder.errors], [30, 32, 0]);
      assert(v.recorder.bytesWritten > 0 && v.recorder.segmentsCreated >= 1);
      assertStringIncludes(out.join("\n"), "    trades written      : 30");
      assertStringIncludes(out.join("\n"), "    book updates written: 32");
    } finally {
      abort.abort();
      await fx.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    test(`${signal} to a child \`flox tape record\` closes the tape with everything it received`, async () => {
      const dir = tempDir();
      const fx = new FakeExchange();
      await fx.start();
      fx.setBook("BTCUSDT", [["100.00", "1"]], [["101.00", "1"]]);
      const [cmd, ...prefix] = floxCommand();
      const child = spawn(cmd, [
        ...prefix,
        "tape",
        "record",
        "binance",
        "BTCUSDT",
        "--output",
        dir,
        "--compression",
        "lz4",
      ], {
        cwd: REPO_ROOT,
        env: { ...process.env, NO_COLOR: "1", FLOX_PROGRESS: "1", FLOX_CCXT_CONFIG: JSON.stringify(fx.ccxtConfig()) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "", stderr = "";
      child.stdout!.on("data", (d) => (stdout += d));
      child.stderr!.on("data", (d) => (stderr += d));
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      try {
        await fx.waitForSubscriber("btcusdt@trade", 1, 20_000);
        await fx.waitForSubscriber("btcusdt@depth@100ms", 1, 20_000);
        const sent = [];
        for (let i = 0; i < 25; i++) {
          sent.push(
            fx.sendTrade("BTCUSDT", { price: `${100 + i}.5`, qty: "0.01", buyerIsMaker: i % 2 === 1, timeMs: T0 + i }),
          );
        }
        // The status line (forced on with FLOX_PROGRESS=1) says when the child has them all.
        await waitFor(() => /trades 25 /.test(stderr), "the child's status line to count 25 trades", 15_000);
        process.kill(child.pid!, signal); // not child.kill(): Deno then reports the signal, not the exit code
        const code = await exited;
        assertEquals(code, 0, stderr);
        assertStringIncludes(stderr, `${signal}: stopping`);
        assertStringIncludes(stdout, `flox tape record: stopped (${signal})`);
        assertStringIncludes(stdout, "    trades written      : 25");
        assertEquals(
          tapeTradeRows(dir),
          sent.map((t) => ({
            tsNs: BigInt(t.timeMs) * 1_000_000n,
            symbol: 1,
            price: Number(t.price),
            qty: 0.01,
            side: t.buyerIsMaker ? 1 : 0,
          })),
        );
        const info = inspectTape(dir);
        assertEquals(info.damaged, []);
        assert(info.segments.every((s) => s.compressed));
        assert(info.bookUpdateCount >= 1);
        const meta = JSON.parse(readFileSync(join(dir, "metadata.json"), "utf8"));
        assertEquals(meta.exchange, "binance");
        assertEquals(meta.symbols.map((s: { symbol_id: number; name: string }) => [s.symbol_id, s.name]), [[
          1,
          "BTC/USDT",
        ]]);
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
        await fx.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test("SIGKILL loses at most the last second: flushed trades survive a crash", async () => {
    const dir = tempDir();
    const fx = new FakeExchange();
    fx.setBook("BTCUSDT", [["100.00", "1"]], [["101.00", "1"]]);
    await fx.start();
    const [cmd, ...prefix] = floxCommand();
    const child = spawn(cmd, [...prefix, "tape", "record", "binance", "BTCUSDT", "--output", dir], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: "1", FLOX_PROGRESS: "1", FLOX_CCXT_CONFIG: JSON.stringify(fx.ccxtConfig()) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<void>((r) => child.on("exit", () => r()));
    try {
      await fx.waitForSubscriber("btcusdt@trade", 1, 20_000);
      for (let i = 0; i < 10; i++) {
        fx.sendTrade("BTCUSDT", { price: "100", qty: `${i + 1}`, buyerIsMaker: false, timeMs: T0 + i });
      }
      await waitFor(() => /trades 10 /.test(stderr), "the child's status line to count 10 trades", 15_000);
      // The once-a-second flush puts them on disk: wait for the segment to hold the header, the book
      // snapshot (12 + 40 + 2 levels x 16 bytes) and the 10 trade frames (12 + 48 bytes each).
      const segmentBytes = () =>
        readdirSync(dir).filter((f) => f.endsWith(".floxlog")).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
      await waitFor(
        () => segmentBytes() >= 64 + (12 + 40 + 32) + 10 * (12 + 48),
        "10 trades flushed to the segment",
        15_000,
      );
      process.kill(child.pid!, "SIGKILL");
      await exited;
      assertEquals(Array.from(readTrades(dir).qty), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await fx.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
