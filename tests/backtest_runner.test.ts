// BacktestRunner and the simulated executor through mod.ts: hand-computed fills for each rule of
// spec/engine.md section 6, trade accounting, equity sampling and metrics, clean state across runs,
// CSV variants and their errors (file and line), symbol detection from file names.
import { after, describe, test } from "node:test";
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, assertAlmostEquals, assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import * as flox from "../mod.ts";
import { dirname } from "node:path";
import { floxSamplePath } from "./support/tape_helpers.ts";

const S = 1_000_000_000n;
/** A multiple of 60 s, so equity ticks fall at T0 + 60 s, T0 + 120 s, ... */
const T0 = 1_699_999_980n * S;

type Step = (s: Scripted, ctx: flox.SymbolContext, trade: flox.Trade, i: number) => void;

/** A strategy that runs a scripted action at given trade indices and records what it saw. */
class Scripted extends flox.Strategy {
  i = 0;
  seen: { i: number; position: number; price: number }[] = [];
  fills: flox.Fill[] = [];
  constructor(
    symbols: flox.SymbolLike[],
    readonly steps: Record<number, Step>,
    readonly onStartStep?: (s: Scripted) => void,
  ) {
    super(symbols);
  }
  override onStart(): void {
    this.i = 0;
    this.seen = [];
    this.fills = [];
    this.onStartStep?.(this);
  }
  override onTrade(ctx: flox.SymbolContext, trade: flox.Trade): void {
    this.seen.push({ i: this.i, position: ctx.position, price: trade.price });
    this.steps[this.i]?.(this, ctx, trade, this.i);
    this.i++;
  }
  override onFill(_ctx: flox.SymbolContext, fill: flox.Fill): void {
    this.fills.push({ ...fill });
  }
}

function trades(rows: [seconds: number, price: number, qty?: number][]): flox.TradeArrays {
  return {
    tsNs: BigInt64Array.from(rows.map(([s]) => T0 + BigInt(Math.round(s * 1e9)))),
    price: Float64Array.from(rows.map(([, p]) => p)),
    qty: Float64Array.from(rows.map(([, , q]) => q ?? 1)),
  };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof flox.FloxError) return e.codeName;
    throw e;
  }
  throw new Error("expected a FloxError");
}

const registry = new flox.SymbolRegistry();
const btc = registry.addSymbol("binance", "BTCUSDT", { tickSize: 0.01 });
const eth = registry.addSymbol("binance", "ETHUSDT");

describe("fill rules and accounting (hand-computed)", () => {
  // feeRate 0.001. Buy 2 @100; limit sell 1 @120 fills on a print at 121; stop sell 1 @105 fills at
  // the 104 print; then short 1 @104 and close it at 100.
  const steps: Record<number, Step> = {
    0: (s) => s.marketBuy(2),
    1: (s) => s.limitSell(120, 1),
    2: (s) => s.stopMarket("sell", 105, 1),
    4: (s) => s.marketSell(1),
    5: (s) => s.closePosition(),
  };
  const data = trades([[0, 100], [10, 110], [20, 121], [30, 107], [40, 104], [50, 100], [130, 100]]);

  test("market, limit, stop-market and closePosition fills, fees, trades, P&L", () => {
    const bt = new flox.BacktestRunner(registry, { feeRate: 0.001, initialCapital: 10_000 });
    const s = new Scripted([btc], steps);
    bt.setStrategy(s);
    const r = bt.runTrades(data);
    assertEquals(s.fills.map((f) => [f.orderId, f.side, f.price, f.qty]), [
      [1, "buy", 100, 2], // market at the trade price (no book)
      [2, "sell", 120, 1], // limit at the limit price when a print goes through it
      [3, "sell", 104, 1], // stop at the price of the print that crossed the trigger
      [4, "sell", 104, 1], // market
      [5, "buy", 100, 1], // closePosition: reduce-only market
    ]);
    assertAlmostEquals(s.fills[1].fee, 0.12, 1e-12);
    assertEquals(s.fills[2].tsNs, T0 + 40n * S);
    // Resting orders fill before the callback: at index 2 the strategy already sees position 1.
    assertEquals(s.seen.map((x) => x.position), [0, 2, 1, 1, 0, -1, 0]);
    assertAlmostEquals(r.totalFees, 0.628, 1e-9);
    assertAlmostEquals(r.finalEquity, 10_027.372, 1e-9);
    assertAlmostEquals(r.netPnl, 27.372, 1e-9);
    assertAlmostEquals(r.returnPct, 0.27372, 1e-9);
    assertAlmostEquals(r.realizedPnl, 28, 1e-9);
    assertEquals(r.unrealizedPnl, 0);
    assertEquals([r.totalTrades, r.winningTrades, r.losingTrades, r.winRate], [3, 3, 0, 1]);
    assertEquals(r.profitFactor, Infinity);
    assertEquals([r.orders, r.fills, r.events, r.unfilledOrders], [5, 5, 7, 0]);
    const t = r.trades();
    assertEquals(t.length, 3);
    assertEquals([...t.side], [0, 0, 1]);
    assertEquals([...t.qty], [1, 1, 1]);
    assertEquals([...t.entryPrice], [100, 100, 104]);
    assertEquals([...t.exitPrice], [120, 104, 100]);
    // pnl = gross - (entry fee share + exit fee share)
    assertAlmostEquals(t.pnl[0], 20 - 0.1 - 0.12, 1e-9);
    assertAlmostEquals(t.pnl[1], 4 - 0.1 - 0.104, 1e-9);
    assertAlmostEquals(t.pnl[2], 4 - 0.104 - 0.1, 1e-9);
    assertAlmostEquals(t.fee[2], 0.204, 1e-12);
    assertEquals([...t.entryTsNs], [T0, T0, T0 + 40n * S]);
    assertEquals([...t.exitTsNs], [T0 + 20n * S, T0 + 40n * S, T0 + 50n * S]);
    // Ticks at +60 s and +120 s (sampled before the +130 s event), then the final equity at +130 s.
    assertEquals(r.bars, 3);
    assertEquals(r.equityCurve().length, 3);
    for (const e of r.equityCurve()) assertAlmostEquals(e, 10_027.372, 1e-9);
    assertEquals([...r.equityTimestamps()], [T0 + 60n * S, T0 + 120n * S, T0 + 130n * S]);
    assertEquals(r.periodsPerYear, 365.25 * 1440);
  });

  test("a second run starts from a clean state and gives the same result", () => {
    const bt = new flox.BacktestRunner(registry, { feeRate: 0.001, initialCapital: 10_000 });
    bt.setStrategy(new Scripted([btc], steps));
    const a = bt.runTrades(data);
    const b = bt.runTrades(data);
    assertEquals(b.toJSON(), a.toJSON());
    assertEquals(b.trades(), a.trades());
    // A run that fails midway leaves nothing behind either.
    const bad = trades([[0, 100], [10, -5]]);
    assertThrows(() => bt.runTrades(bad), flox.FloxError, "price[1] is -5");
    assertEquals(bt.runTrades(data).toJSON(), a.toJSON());
  });

  test("a flip records one trade and opens the remainder at the fill price", () => {
    const bt = new flox.BacktestRunner(registry, { feeRate: 0.01, initialCapital: 1_000 });
    const s = new Scripted([btc], { 0: (s) => s.marketBuy(1), 1: (s) => s.marketSell(3) });
    bt.setStrategy(s);
    const r = bt.runTrades(trades([[0, 10], [1, 12], [2, 11]]));
    const t = r.trades();
    assertEquals(t.length, 1);
    // entry fee .1; sell 3 @12 fee .36, a third of it closes the long
    assertAlmostEquals(t.pnl[0], 2 - 0.1 - 0.12, 1e-12);
    assertEquals(s.seen[2].position, -2);
    // open short 2 @12 marked at 11: unrealized +2; pool 0.24 is part of the fees already paid
    assertAlmostEquals(r.unrealizedPnl, 2, 1e-12);
    assertAlmostEquals(r.netPnl, r.realizedPnl + r.unrealizedPnl - r.totalFees, 1e-12);
    assertAlmostEquals(r.totalFees, 0.1 + 0.36, 1e-12);
  });

  test("limit orders: rest until a print goes through, at the limit price; never on a print above", () => {
    const bt = new flox.BacktestRunner(registry, { initialCapital: 1_000 });
    const s = new Scripted([btc], { 0: (s) => s.limitBuy(95, 1), 1: (s) => s.limitBuy(90, 1) });
    bt.setStrategy(s);
    const r = bt.runTrades(trades([[0, 100], [1, 96], [2, 94.5], [3, 91]]));
    assertEquals(s.fills.map((f) => [f.orderId, f.price]), [[1, 95]]);
    assertEquals(r.unfilledOrders, 1); // the 90 limit still rests
    // A marketable limit is tried at once: against the last trade when no book is known.
    const s2 = new Scripted([btc], { 0: (s) => s.limitBuy(101, 1) });
    bt.setStrategy(s2);
    bt.runTrades(trades([[0, 100]]));
    assertEquals(s2.fills.map((f) => f.price), [101]);
  });

  test("stop-market: triggers when the print crosses, fills at that print; at once when already crossed", () => {
    const bt = new flox.BacktestRunner(registry, { initialCapital: 1_000 });
    const s = new Scripted([btc], { 0: (s) => s.stopMarket("buy", 105, 1), 1: (s) => s.stopMarket("buy", 100, 1) });
    bt.setStrategy(s);
    bt.runTrades(trades([[0, 100], [1, 104], [2, 107]]));
    // second stop (trigger 100) is already crossed by the 104 print: fills at once at 104
    assertEquals(s.fills.map((f) => [f.orderId, f.price]), [[2, 104], [1, 107]]);
  });

  test("cancelOrder removes a resting order; closePosition when flat sends nothing", () => {
    const bt = new flox.BacktestRunner(registry, { initialCapital: 1_000 });
    let id = 0;
    const s = new Scripted([btc], {
      0: (s) => {
        id = s.limitBuy(90, 1);
        assertEquals(s.closePosition(), 0);
      },
      1: (s) => s.cancelOrder(id),
    });
    bt.setStrategy(s);
    const r = bt.runTrades(trades([[0, 100], [1, 95], [2, 80]]));
    assertEquals(s.fills.length, 0);
    assertEquals([r.orders, r.unfilledOrders], [1, 0]);
  });

  test("cancelling a filled order is a no-op; an id never sent is NOT_FOUND", () => {
    const bt = new flox.BacktestRunner(registry, { initialCapital: 1_000 });
    const codes: string[] = [];
    const s = new Scripted([btc], {
      0: (s) => {
        const id = s.marketBuy(1); // fills at once
        assertEquals(s.cancelOrder(id), id);
        codes.push(codeOf(() => s.cancelOrder(id + 5)));
      },
    });
    bt.setStrategy(s);
    bt.runTrades(trades([[0, 100]]));
    assertEquals(s.fills.length, 1);
    assertEquals(codes, ["NOT_FOUND"]);
  });

  test("market orders sent before any price wait for the first print", () => {
    const bt = new flox.BacktestRunner(registry, { initialCapital: 1_000 });
    const s = new Scripted([btc], {}, (s) => s.marketBuy(1));
    bt.setStrategy(s);
    bt.runTrades(trades([[0, 100], [1, 101]]));
    assertEquals(s.fills.map((f) => [f.price, f.tsNs]), [[100, T0]]);
    assertEquals(s.seen[0].position, 1); // filled before the first callback
  });

  test("equity on a fixed clock sees open drawdowns; metrics follow spec section 4", () => {
    const bt = new flox.BacktestRunner(registry, { initialCapital: 10_000 });
    bt.setStrategy(new Scripted([btc], { 0: (s) => s.marketBuy(1) }));
    const r = bt.runTrades(trades([[0, 100], [30, 90], [90, 95], [125, 80]]));
    // tick 60 (before the +90 s event): marked at 90; tick 120: at 95; final (+125 s): at 80
    assertEquals([...r.equityCurve()], [9_990, 9_995, 9_980]);
    assertEquals(r.maxDrawdown, 20);
    assertAlmostEquals(r.maxDrawdownPct, 0.2, 1e-12);
    assertEquals(r.unrealizedPnl, -20);
    const e = [10_000, 9_990, 9_995, 9_980];
    const ret = [1, 2, 3].map((i) => e[i] / e[i - 1] - 1);
    const mean = ret.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(ret.reduce((a, b) => a + (b - mean) ** 2, 0) / 2);
    const ppy = 365.25 * 86400 / 60;
    assertAlmostEquals(r.sharpe, mean / sd * Math.sqrt(ppy), 1e-9);
    const down = Math.sqrt(ret.reduce((a, b) => a + Math.min(b, 0) ** 2, 0) / 3);
    assertAlmostEquals(r.sortino, mean / down * Math.sqrt(ppy), 1e-9);
    assertAlmostEquals(r.calmar, (Math.pow(9_980 / 10_000, ppy / 3) - 1) / 0.002, 1e-9);
  });

  test("equityIntervalNs sets the clock and periodsPerYear", () => {
    const bt = new flox.BacktestRunner(registry, { initialCapital: 10_000, equityIntervalNs: 10n * S });
    bt.setStrategy(new Scripted([btc], {}));
    const r = bt.runTrades(trades([[0, 100], [25, 100], [31, 100]]));
    assertEquals([...r.equityTimestamps()], [T0 + 10n * S, T0 + 20n * S, T0 + 30n * S, T0 + 31n * S]);
    assertEquals(r.periodsPerYear, 365.25 * 8640);
    assertEquals(r.sharpe, 0);
  });
});

describe("book-driven fills (SimulatedExecutor)", () => {
  function book(bids: number[], asks: number[], ts: bigint, snapshot = true): flox.BookUpdate {
    return {
      symbol: 1,
      tsNs: ts,
      snapshot,
      bidPrices: Float64Array.from(bids),
      bidQtys: Float64Array.from(bids.map(() => 1)),
      askPrices: Float64Array.from(asks),
      askQtys: Float64Array.from(asks.map(() => 1)),
    };
  }

  test("market at the best opposite quote; limits fill when the book crosses them", () => {
    const signals: flox.Signal[] = [];
    const ex = new flox.SimulatedExecutor({ initialCapital: 1_000, onSignal: (s) => signals.push(s) });
    const fills: flox.Fill[] = [];
    let n = 0;
    class BookStrategy extends flox.Strategy {
      override onBookUpdate(ctx: flox.SymbolContext): void {
        if (n++ === 0) {
          assertEquals([ctx.bestBid, ctx.bestAsk, ctx.mid], [99, 101, 100]);
          this.marketBuy(1); // at the ask, 101
          this.limitBuy(100.5, 1); // ask 101 > 100.5: rests even though no trade was seen
          this.limitSell(98, 1); // bid 99 >= 98: fills at once at 98 (the limit)
        }
      }
      override onFill(_c: flox.SymbolContext, f: flox.Fill): void {
        fills.push({ ...f });
      }
    }
    ex.start([new BookStrategy([btc])]);
    ex.onBook(book([99, 98], [101, 102], T0));
    // A delta removing 101 and adding 100.4 crosses the resting 100.5 buy: fills at 100.5.
    ex.onBook({ ...book([], [100.4], T0 + S, false), askQtys: Float64Array.from([1]) });
    ex.onBook({ ...book([], [101], T0 + 2n * S, false), askQtys: Float64Array.from([0]) });
    const r = ex.finish();
    assertEquals(fills.map((f) => [f.orderId, f.side, f.price]), [[1, "buy", 101], [3, "sell", 98], [2, "buy", 100.5]]);
    assertEquals(signals.map((s) => [s.orderId, s.orderType, s.action, s.tsNs]), [
      [1, "market", "submit", T0],
      [2, "limit", "submit", T0],
      [3, "limit", "submit", T0],
    ]);
    assertEquals([r.orders, r.fills, r.unfilledOrders], [3, 3, 0]);
    assertEquals(ex.running, false);
  });

  test("a market order with a known book ignores the last trade", () => {
    const ex = new flox.SimulatedExecutor({ initialCapital: 1_000 });
    const prices: number[] = [];
    class Seller extends flox.Strategy {
      override onTrade(): void {
        this.marketSell(1);
      }
      override onFill(_c: flox.SymbolContext, f: flox.Fill): void {
        prices.push(f.price);
      }
    }
    ex.start([new Seller([btc])]);
    ex.onBook(book([99.5], [100.5], T0));
    ex.onTrade(1, 100, 1, true, T0 + S);
    ex.finish();
    assertEquals(prices, [99.5]);
  });
});

describe("runTrades input checks", () => {
  const bt = new flox.BacktestRunner(registry, { initialCapital: 1_000 });
  bt.setStrategy(new Scripted([btc], {}));

  test("unsorted timestamps, bad prices and quantities name the index", () => {
    assertThrows(() => bt.runTrades(trades([[0, 1], [2, 1], [1, 1]])), flox.FloxError, "tsNs[2]");
    assertEquals(codeOf(() => bt.runTrades(trades([[0, 1], [2, 1], [1, 1]]))), "UNSORTED");
    assertEquals(codeOf(() => bt.runTrades(trades([[0, NaN]]))), "BAD_PRICE");
    assertEquals(codeOf(() => bt.runTrades(trades([[0, 1, -1]]))), "BAD_QUANTITY");
    const t = trades([[0, 1], [1, 1]]);
    assertEquals(codeOf(() => bt.runTrades({ ...t, qty: new Float64Array(1) })), "LENGTH_MISMATCH");
    assertEquals(codeOf(() => bt.runTrades({ ...t, side: Uint8Array.from([0, 2]) })), "BAD_SIDE");
    assertEquals(codeOf(() => new flox.BacktestRunner(registry, { initialCapital: 0 })), "INVALID_ARG");
    assertEquals(codeOf(() => new flox.BacktestRunner(registry, { initialCapital: 1, feeRate: -1 })), "INVALID_ARG");
    assertEquals(
      codeOf(() => new flox.BacktestRunner(registry, { initialCapital: 1, equityIntervalNs: 0 })),
      "INVALID_ARG",
    );
    assertEquals(codeOf(() => new flox.BacktestRunner(registry, { initialCapital: 1 }).runTrades(t)), "STATE");
  });

  test("timestamps in ms are normalised; symbol ids per trade route to the strategy's symbols", () => {
    const seen: number[] = [];
    class Two extends flox.Strategy {
      override onTrade(_c: flox.SymbolContext, t: flox.Trade): void {
        seen.push(t.symbol, Number(t.tsNs / 1_000_000n));
      }
    }
    const b = new flox.BacktestRunner(registry, { initialCapital: 1_000 });
    b.setStrategy(new Two([eth]));
    const r = b.runTrades({
      tsNs: BigInt64Array.from([1_700_000_000_000n, 1_700_000_000_500n, 1_700_000_001_000n]),
      price: Float64Array.from([1, 2, 3]),
      qty: Float64Array.from([1, 1, 1]),
      symbolId: Uint32Array.from([2, 1, 2]),
    });
    assertEquals(seen, [2, 1_700_000_000_000, 2, 1_700_000_001_000]);
    assertEquals(r.events, 3);
  });
});

describe("runCsv", () => {
  const dir = mkdtempSync(join(tmpdir(), "flox-csv-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  /** Records (price, qty, isBuy, ts in ms) of every trade the strategy sees. */
  class Tape extends flox.Strategy {
    rows: [number, number, boolean, number][] = [];
    override onStart(): void {
      this.rows = [];
    }
    override onTrade(_c: flox.SymbolContext, t: flox.Trade): void {
      this.rows.push([t.price, t.qty, t.isBuy, Number(t.tsNs / 1_000_000n)]);
    }
  }
  const bt = new flox.BacktestRunner(registry, { initialCapital: 1_000 });
  const tape = new Tape([btc]);
  bt.setStrategy(tape);

  test("trades with a header: side or is_buyer_maker, any column order, ms/s/ISO times", () => {
    bt.runCsv(
      file(
        "btcusdt_trades.csv",
        "timestamp,price,qty,side\n1700000000000,100.5,0.1,buy\n1700000000001,100.25,2,SELL\n",
      ),
    );
    assertEquals(tape.rows, [[100.5, 0.1, true, 1700000000000], [100.25, 2, false, 1700000000001]]);
    bt.runCsv(
      file(
        "b.csv",
        "id,is_buyer_maker,amount,price,time\r\n7,true,1,10,1700000000\r\n\r\n8,false,2,11,1700000001.5\r\n",
      ),
      {
        symbol: "btcusdt",
      },
    );
    assertEquals(tape.rows, [[10, 1, false, 1700000000000], [11, 2, true, 1700000001500]]);
    bt.runCsv(file("c.csv", "time,price,size\n2023-11-14T22:13:20Z,5,1\n2023-11-14 22:13:20.250,6,1\n"), {
      symbol: btc,
    });
    assertEquals(tape.rows.map((r) => r[3]), [1700000000000, 1700000000250]);
  });

  test("Binance dumps without a header: trades and aggTrades", () => {
    bt.runCsv(
      file(
        "BTCUSDT-trades-2024-01-01.csv",
        "1,42000.5,0.01,420.005,1704067200000,true,true\n2,42001,0.02,840.02,1704067200001,false,true\n",
      ),
    );
    assertEquals(tape.rows, [[42000.5, 0.01, false, 1704067200000], [42001, 0.02, true, 1704067200001]]);
    bt.runCsv(file("BTCUSDT-aggTrades-2024-01-01.csv", "5,42000,1.5,10,12,1704067200000123,false\n"));
    assertEquals(tape.rows, [[42000, 1.5, true, 1704067200000]]);
  });

  test("OHLCV bars: one trade per bar at the close (header, and Binance klines at the close time)", () => {
    bt.runCsv(
      file("btcusdt_1h.csv", "timestamp,open,high,low,close,volume\n1700000000,1,3,0.5,2,10\n1700003600,2,4,1,3,20\n"),
    );
    assertEquals(tape.rows, [[2, 10, true, 1700000000000], [3, 20, true, 1700003600000]]);
    bt.runCsv(
      file(
        "BTCUSDT-1m-2024-01-01.csv",
        "1704067200000,42000,42010,41990,42005,12.5,1704067259999,525000,100,6,252000,0\n",
      ),
    );
    assertEquals(tape.rows, [[42005, 12.5, true, 1704067259999]]);
  });

  test("malformed rows name the file and the line", () => {
    const cases: [string, string, string][] = [
      ["timestamp,price,qty\n1700000000000,100,1\n1700000000001,abc,1\n", "PARSE", ":3: price 'abc' is not a number"],
      ["timestamp,price,qty\n1700000000000,100,1\n\n1700000000001,100\n", "PARSE", ":4: has 2 fields; expected 3"],
      ["timestamp,price,qty\n1700000000000,-1,1\n", "BAD_PRICE", ":2: price '-1'"],
      ["timestamp,price,qty\n1700000000000,1,-2\n", "BAD_QUANTITY", ":2: quantity '-2'"],
      ["timestamp,price,qty,side\n1700000000000,1,1,hold\n", "BAD_SIDE", ":2: side 'hold'"],
      ["timestamp,price,qty\n1700000000002,1,1\n1700000000001,1,1\n", "UNSORTED", ":3: timestamp"],
      ["timestamp,price,qty\nyesterday,1,1\n", "PARSE", ":2: timestamp 'yesterday'"],
      ["price,qty\n1,1\n", "FORMAT", ":1: header has no timestamp column"],
      ["timestamp,qty\n1,1\n", "FORMAT", ":1: header has neither a price nor a close column"],
      ["1,2,3\n", "FORMAT", ":1: no header and not a Binance"],
      ["", "NO_DATA", "the file is empty"],
    ];
    for (const [i, [text, code, msg]] of cases.entries()) {
      const p = file(`btcusdt_bad${i}.csv`, text);
      const e = assertThrows(() => bt.runCsv(p), flox.FloxError);
      assertEquals(e.codeName, code, `case ${i}: ${e.message}`);
      assert(e.message.includes(p + msg) || e.message.includes(msg), `case ${i}: ${e.message}`);
      assert(e.message.includes(p), `case ${i} names the file: ${e.message}`);
    }
    assertEquals(codeOf(() => bt.runCsv(join(dir, "btcusdt_missing.csv"))), "NOT_FOUND");
  });

  test("symbol detection from the file name", () => {
    const r2 = new flox.SymbolRegistry();
    const a = r2.addSymbol("binance", "BTCUSDT");
    const b = r2.addSymbol("bybit", "BTC-USDT");
    r2.addSymbol("binance", "BTC");
    const c = r2.addSymbol("binance", "ETHUSDT");
    const runner = new flox.BacktestRunner(r2, { initialCapital: 1 });
    const rows = "timestamp,price,qty\n1700000000000,1,1\n";
    runner.setStrategy(new Tape([a]));
    assertEquals(runner.runCsv(file("btcusdt_trades.csv", rows)).events, 1);
    assertEquals(runner.runCsv(file("BTCUSDT-aggTrades-2024-01.csv", rows)).events, 1);
    // "BTC-USDT" in a file name matches both BTCUSDT and BTC-USDT: the strategy's symbol wins
    assertEquals(runner.runCsv(file("trades_BTC-USDT.csv", rows)).events, 1);
    runner.setStrategy(new Tape([b, c]));
    assertEquals(runner.runCsv(file("trades_BTC-USDT.csv", rows)).events, 1);
    assertEquals(codeOf(() => runner.runCsv(file("solusdt.csv", rows))), "NOT_FOUND");
    // ETH data for a strategy that does not trade ETH is refused rather than silently ignored
    runner.setStrategy(new Tape([a]));
    assertThrows(() => runner.runCsv(file("ethusdt.csv", rows)), flox.FloxError, "the strategy trades");
  });
});

describe("strategy lifecycle", () => {
  test("onStart/onStop once per run; detached afterwards; order methods refuse outside a run", () => {
    const calls: string[] = [];
    class Life extends flox.Strategy {
      override onStart(): void {
        calls.push("start");
      }
      override onStop(): void {
        calls.push("stop");
      }
    }
    const s = new Life([btc]);
    const bt = new flox.BacktestRunner(registry, { initialCapital: 1 });
    bt.setStrategy(s);
    bt.runTrades(trades([[0, 1]]));
    bt.runTrades(trades([[0, 1]]));
    assertEquals(calls, ["start", "stop", "start", "stop"]);
    assertStrictEquals(s.attached, false);
    assertEquals(codeOf(() => s.marketBuy(1)), "STATE");
  });
});

describe("live path and batch path agree", () => {
  test("SimulatedExecutor.onTrade per event and runTrades give the same signals, fills and stats", () => {
    class SmaCross extends flox.Strategy {
      fast = new flox.SMA(5);
      slow = new flox.SMA(20);
      override onStart(): void {
        this.fast.reset();
        this.slow.reset();
      }
      override onTrade(ctx: flox.SymbolContext, trade: flox.Trade): void {
        const f = this.fast.update(trade.price), s = this.slow.update(trade.price);
        if (f === null || s === null) return;
        if (f > s && ctx.isFlat()) this.marketBuy(0.5);
        else if (f < s && ctx.isLong()) this.closePosition();
      }
    }
    const n = 5_000;
    const d: flox.TradeArrays = {
      tsNs: new BigInt64Array(n),
      price: new Float64Array(n),
      qty: new Float64Array(n),
      side: new Uint8Array(n),
    };
    let p = 100;
    for (let i = 0; i < n; i++) {
      p += Math.sin(i / 37) * 0.3 + Math.cos(i / 5) * 0.2;
      d.tsNs[i] = T0 + BigInt(i) * 7_000_000_000n; // 7 s apart: several trades per equity tick
      d.price[i] = p;
      d.qty[i] = 1;
      d.side![i] = i % 2;
    }
    const batchSignals: flox.Signal[] = [], liveSignals: flox.Signal[] = [];
    const bt = new flox.BacktestRunner(registry, {
      feeRate: 0.001,
      initialCapital: 1_000,
      onSignal: (s) => batchSignals.push(s),
    });
    bt.setStrategy(new SmaCross([btc]));
    const a = bt.runTrades(d);
    const ex = new flox.SimulatedExecutor({
      feeRate: 0.001,
      initialCapital: 1_000,
      onSignal: (s) => liveSignals.push(s),
    });
    ex.start([new SmaCross([btc])]);
    for (let i = 0; i < n; i++) ex.onTrade(1, d.price[i], d.qty[i], d.side![i] === 0, d.tsNs[i]);
    const b = ex.finish();
    assert(batchSignals.length > 20, `only ${batchSignals.length} signals`);
    assertEquals(liveSignals, batchSignals);
    assertEquals(b.toJSON(), a.toJSON());
    assertEquals([...b.equityCurve()], [...a.equityCurve()]);
    assertEquals(b.trades(), a.trades());
  });
});

describe("runTape / runTapes", () => {
  const dir = mkdtempSync(join(tmpdir(), "flox-bt-tape-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Counts events per kind and symbol; buys once at the first trade after a book is known. */
  class Watcher extends flox.Strategy {
    trades = new Map<number, number>();
    books = 0;
    order: string[] = [];
    fillPrice = NaN;
    askWhenSent = NaN;
    override onStart(): void {
      this.trades.clear();
      this.own.clear();
      this.askWhenSent = this.fillPrice = NaN;
      this.books = 0;
      this.order = [];
    }
    override onTrade(ctx: flox.SymbolContext, t: flox.Trade): void {
      this.trades.set(t.symbol, (this.trades.get(t.symbol) ?? 0) + 1);
      this.order.push(`${t.symbol}@${t.tsNs}`);
      if (t.symbol === 1 && Number.isNaN(this.askWhenSent) && ctx.bestAsk === ctx.bestAsk) {
        this.askWhenSent = ctx.bestAsk;
        this.marketBuy(0.001, 1);
      }
    }
    // An independent replay of each book (snapshots replace, deltas set or remove levels).
    own = new Map<number, { bids: Map<number, number>; asks: Map<number, number> }>();
    override onBookUpdate(ctx: flox.SymbolContext, u: flox.BookUpdate): void {
      this.books++;
      let b = this.own.get(u.symbol);
      if (!b) this.own.set(u.symbol, b = { bids: new Map(), asks: new Map() });
      if (u.snapshot) b.bids.clear(), b.asks.clear();
      u.bidPrices.forEach((p, j) => u.bidQtys[j] > 0 ? b.bids.set(p, 1) : b.bids.delete(p));
      u.askPrices.forEach((p, j) => u.askQtys[j] > 0 ? b.asks.set(p, 1) : b.asks.delete(p));
      const bid = b.bids.size ? Math.max(...b.bids.keys()) : NaN, ask = b.asks.size ? Math.min(...b.asks.keys()) : NaN;
      assertEquals([ctx.bestBid, ctx.bestAsk], [bid, ask]);
    }
    override onFill(_c: flox.SymbolContext, f: flox.Fill): void {
      this.fillPrice = f.price;
    }
  }

  test("the FLOX sample tape: every trade and book update, market order at the ask", () => {
    const sample = floxSamplePath();
    if (sample === null) {
      console.log("skipped: shared/fixtures/flox-sample not found beside the repository");
      return;
    }
    const sampleDir = dirname(sample);
    const r2 = new flox.SymbolRegistry();
    r2.addSymbol("bybit", "BTCUSDT");
    r2.addSymbol("bybit", "ETHUSDT");
    const bt = new flox.BacktestRunner(r2, { feeRate: 0.0005, initialCapital: 10_000 });
    const w = new Watcher([1, 2]);
    bt.setStrategy(w);
    const info = flox.inspectTape(sampleDir);
    const r = bt.runTape(sampleDir);
    assertEquals(r.events, info.tradeCount + info.bookUpdateCount);
    assertEquals((w.trades.get(1) ?? 0) + (w.trades.get(2) ?? 0), info.tradeCount);
    assertEquals(w.books, info.bookUpdateCount);
    assert(!Number.isNaN(w.askWhenSent));
    assertEquals(w.fillPrice, w.askWhenSent);
    assertEquals(r.fills, 1);
    assertAlmostEquals(r.totalFees, 0.001 * w.fillPrice * 0.0005, 1e-12);
    // a second run over the same tape is identical
    assertEquals(bt.runTape(sampleDir).toJSON(), r.toJSON());
  });

  test("a tape written by the recorder backtests like the same trades as arrays", () => {
    const n = 3000;
    const d: flox.TradeArrays = {
      tsNs: new BigInt64Array(n),
      price: new Float64Array(n),
      qty: new Float64Array(n),
      side: new Uint8Array(n),
    };
    let p = 50;
    for (let i = 0; i < n; i++) {
      p += Math.sin(i / 23) * 0.05;
      d.tsNs[i] = T0 + BigInt(i) * 3_000_000_000n;
      d.price[i] = Math.round(p * 1e4) / 1e4; // exact in the tape's 1e-8 fixed point
      d.qty[i] = 0.25;
      d.side![i] = i % 3 === 0 ? 1 : 0;
    }
    const tapeDir = join(dir, "one");
    const rec = flox.makeRecorderHook(tapeDir, { symbols: { 1: "BTCUSDT" } });
    rec.recordTrades({ tsNs: d.tsNs, symbolId: new Uint32Array(n).fill(1), price: d.price, qty: d.qty, side: d.side! });
    rec.close();
    const steps: Record<number, Step> = {};
    for (let i = 10; i < n; i += 97) steps[i] = (s, ctx) => ctx.isFlat() ? s.marketBuy(1) : s.closePosition();
    const bt = new flox.BacktestRunner(registry, { feeRate: 0.001, initialCapital: 1_000 });
    bt.setStrategy(new Scripted([btc], steps));
    const fromArrays = bt.runTrades(d);
    const fromTape = bt.runTape(tapeDir);
    assert(fromArrays.totalTrades > 10);
    assertEquals(fromTape.toJSON(), fromArrays.toJSON());
    assertEquals(fromTape.trades(), fromArrays.trades());
    const plain = bt.runTape(tapeDir, { readAhead: false }); // decoded on the calling thread
    assertEquals(plain.toJSON(), fromArrays.toJSON());
    assertEquals(plain.trades(), fromArrays.trades());
    assertEquals(codeOf(() => bt.runTape(tapeDir, { readAhead: 1 as unknown as boolean })), "INVALID_ARG");
  });

  test("runTapes merges by timestamp; ties keep the order of the list", () => {
    const a = join(dir, "a"), b = join(dir, "b");
    const ra = flox.makeRecorderHook(a);
    for (const s of [0, 2, 4, 6]) ra.recordTrade(btc, 100, 1, true, T0 + BigInt(s) * S);
    ra.close();
    const rb = flox.makeRecorderHook(b);
    for (const s of [1, 3, 4, 7]) rb.recordTrade(eth, 10, 1, false, T0 + BigInt(s) * S);
    rb.close();
    const bt = new flox.BacktestRunner(registry, { initialCapital: 1_000 });
    const w = new Watcher([btc, eth]);
    bt.setStrategy(w);
    const r = bt.runTapes([a, b]);
    const at = (sym: number, s: number) => `${sym}@${T0 + BigInt(s) * S}`;
    assertEquals(w.order, [at(1, 0), at(2, 1), at(1, 2), at(2, 3), at(1, 4), at(2, 4), at(1, 6), at(2, 7)]);
    assertEquals(r.events, 8);
    bt.runTapes([b, a]);
    assertEquals(w.order.slice(4, 6), [at(2, 4), at(1, 4)]);
  });

  test("a torn tape replays what is intact and reports the damage", () => {
    const t = join(dir, "torn");
    const rec = flox.makeRecorderHook(t);
    for (let i = 0; i < 100; i++) rec.recordTrade(btc, 100 + i, 1, true, T0 + BigInt(i) * S);
    rec.close();
    const seg = readdirSync(t).filter((f) => f.endsWith(".floxlog"))[0];
    const size = statSync(join(t, seg)).size;
    truncateSync(join(t, seg), Math.floor(size * 0.7) + 3); // cut mid-segment, mid-frame (and the index)
    const bt = new flox.BacktestRunner(registry, { initialCapital: 1_000 });
    bt.setStrategy(new Watcher([btc]));
    const r = bt.runTape(t);
    assert(r.events >= 50 && r.events < 100, `${r.events} events`);
    assert(r.tapeDamage >= 1);
    const plain = bt.runTape(t, { readAhead: false });
    assertEquals([plain.events, plain.tapeDamage], [r.events, r.tapeDamage]);
  });

  test("tape symbol names must match the registry; bad paths are NOT_FOUND", () => {
    const t = join(dir, "named");
    const rec = flox.makeRecorderHook(t, { symbols: { 1: "SOLUSDT" } });
    rec.recordTrade(1, 1, 1, true, T0);
    rec.close();
    const bt = new flox.BacktestRunner(registry, { initialCapital: 1_000 });
    bt.setStrategy(new Watcher([btc]));
    assertThrows(() => bt.runTape(t), flox.FloxError, 'tape symbol 1 is "SOLUSDT"');
    assertEquals(codeOf(() => bt.runTape(join(dir, "missing"))), "NOT_FOUND");
    assertEquals(codeOf(() => bt.runTapes([])), "INVALID_ARG");
  });
});
