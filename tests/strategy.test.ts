// Symbols, SymbolContext and the Strategy base class, through mod.ts. Fill rules of the simulated
// executor are in backtest_runner.test.ts and executor.test.ts.
import { describe, test } from "node:test";
import { assert, assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import * as flox from "../mod.ts";

/** A host that records what strategies send and keeps one context per symbol. */
class RecordingHost implements flox.StrategyHost {
  orders: (flox.OrderRequest & { id: number })[] = [];
  cancels: number[] = [];
  contexts = new Map<number, flox.SymbolContext>();
  #next = 1;
  submit(_s: flox.Strategy, order: flox.OrderRequest): number {
    const id = this.#next++;
    this.orders.push({ ...order, id });
    return id;
  }
  cancel(_s: flox.Strategy, orderId: number): void {
    this.cancels.push(orderId);
  }
  context(symbolId: number): flox.SymbolContext {
    let c = this.contexts.get(symbolId);
    if (!c) this.contexts.set(symbolId, c = new flox.SymbolContext(symbolId));
    return c;
  }
}

class Idle extends flox.Strategy {}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof flox.FloxError) return e.codeName;
    throw e;
  }
  throw new Error("expected a FloxError");
}

describe("SymbolRegistry", () => {
  test("ids from 1; re-adding the same pair returns the same symbol", () => {
    const r = new flox.SymbolRegistry();
    const btc = r.addSymbol("binance", "BTCUSDT", { tickSize: 0.01 });
    const eth = r.addSymbol("binance", "ETHUSDT");
    const bybitBtc = r.addSymbol("bybit", "BTCUSDT", { tickSize: 0.5 });
    assertEquals([btc.id, eth.id, bybitBtc.id], [1, 2, 3]);
    assertStrictEquals(r.addSymbol("binance", "BTCUSDT"), btc);
    assertStrictEquals(r.addSymbol("binance", "BTCUSDT", { tickSize: 0.01 }), btc);
    assertEquals([btc.name, btc.exchange, btc.tickSize], ["BTCUSDT", "binance", 0.01]);
    assertEquals(eth.tickSize, 0.01);
    assertEquals(r.size, 3);
    assertEquals(r.all().map((s) => s.id), [1, 2, 3]);
    assertStrictEquals(r.get(2), eth);
    assertStrictEquals(r.get(4), undefined);
    assertStrictEquals(r.get(0), undefined);
    assertStrictEquals(r.find("bybit", "BTCUSDT"), bybitBtc);
    assertStrictEquals(r.find("bybit", "ETHUSDT"), undefined);
    assertStrictEquals(r.byName("ethusdt"), eth);
    assertEquals(codeOf(() => r.byName("BTCUSDT")), "INVALID_ARG"); // on two exchanges
  });

  test("a symbol works as a number and prints as exchange:name", () => {
    const r = new flox.SymbolRegistry();
    r.addSymbol("binance", "A");
    const b = r.addSymbol("binance", "BTCUSDT");
    assertStrictEquals(+b, 2);
    assertStrictEquals(Number(b), 2);
    assertStrictEquals(b.valueOf() + 1, 3);
    assertStrictEquals(`${b}`, "binance:BTCUSDT");
    assertEquals([10, 20, 30][+b], 30);
    assert(b instanceof flox.Symbol);
    assert(b instanceof flox.FloxSymbol);
    assertEquals(JSON.parse(JSON.stringify(b)), { id: 2, exchange: "binance", name: "BTCUSDT", tickSize: 0.01 });
    assert(Object.isFrozen(b));
  });

  test("bad arguments and conflicting tick sizes are INVALID_ARG", () => {
    const r = new flox.SymbolRegistry();
    r.addSymbol("binance", "BTCUSDT", { tickSize: 0.01 });
    assertEquals(codeOf(() => r.addSymbol("", "X")), "INVALID_ARG");
    assertEquals(codeOf(() => r.addSymbol("binance", "")), "INVALID_ARG");
    assertEquals(codeOf(() => r.addSymbol("binance", "X", { tickSize: 0 })), "INVALID_ARG");
    assertEquals(codeOf(() => r.addSymbol("binance", "X", { tickSize: NaN })), "INVALID_ARG");
    assertThrows(() => r.addSymbol("binance", "BTCUSDT", { tickSize: 0.1 }), flox.FloxError, "tickSize 0.01");
    assertEquals(r.size, 1); // failed calls registered nothing
    assertEquals(codeOf(() => r.resolve(9, "Test.op")), "NOT_FOUND");
  });
});

describe("SymbolContext", () => {
  test("NaN for unknown prices; mid and unrealized pnl", () => {
    const c = new flox.SymbolContext(1);
    assert(Number.isNaN(c.lastTradePrice) && Number.isNaN(c.bestBid) && Number.isNaN(c.mid));
    assert(c.isFlat() && !c.isLong() && !c.isShort());
    assertEquals(c.unrealizedPnl, 0);
    c.position = 2;
    c.avgEntryPrice = 100;
    assert(Number.isNaN(c.unrealizedPnl)); // open, no price known
    c.bestBid = 104;
    c.bestAsk = 106;
    assertEquals(c.mid, 105);
    assertEquals(c.unrealizedPnl, 10); // marked at the mid without trades
    c.lastTradePrice = 103;
    assertEquals(c.unrealizedPnl, 6); // the last trade wins over the mid
    c.position = -2;
    assert(c.isShort());
    assertEquals(c.unrealizedPnl, -6);
    c.reset();
    assert(c.isFlat() && Number.isNaN(c.lastTradePrice));
  });
});

describe("Strategy", () => {
  const r = new flox.SymbolRegistry();
  const btc = r.addSymbol("binance", "BTCUSDT");
  const eth = r.addSymbol("binance", "ETHUSDT");

  test("order methods go to the host with the right fields and return its ids", () => {
    const host = new RecordingHost();
    const s = new Idle([btc, eth]);
    assertEquals(s.symbols, [1, 2]);
    s.attach(host);
    assertEquals(s.marketBuy(0.5), 1);
    assertEquals(s.marketSell(0.25, eth), 2);
    assertEquals(s.limitBuy(100, 1), 3);
    assertEquals(s.limitSell(110, 2, 2), 4);
    assertEquals(s.stopMarket("sell", 90, 1), 5);
    const base = { price: 0, triggerPrice: 0, reduceOnly: false };
    assertEquals(host.orders, [
      { ...base, id: 1, symbol: 1, side: "buy", orderType: "market", quantity: 0.5 },
      { ...base, id: 2, symbol: 2, side: "sell", orderType: "market", quantity: 0.25 },
      { ...base, id: 3, symbol: 1, side: "buy", orderType: "limit", quantity: 1, price: 100 },
      { ...base, id: 4, symbol: 2, side: "sell", orderType: "limit", quantity: 2, price: 110 },
      { ...base, id: 5, symbol: 1, side: "sell", orderType: "stop_market", quantity: 1, triggerPrice: 90 },
    ]);
    assertEquals(s.cancelOrder(3), 3);
    assertEquals(host.cancels, [3]);
  });

  test("closePosition sends a reduce-only market order for the whole position, 0 when flat", () => {
    const host = new RecordingHost();
    const s = new Idle([btc]);
    s.attach(host);
    assertEquals(s.closePosition(), 0);
    assertEquals(host.orders.length, 0);
    host.context(1).position = -1.5;
    assertEquals(s.closePosition(), 1);
    assertEquals(host.orders[0], {
      id: 1,
      symbol: 1,
      side: "buy",
      orderType: "market",
      quantity: 1.5,
      price: 0,
      triggerPrice: 0,
      reduceOnly: true,
    });
  });

  test("bad orders throw before reaching the host", () => {
    const host = new RecordingHost();
    const s = new Idle([btc]);
    s.attach(host);
    assertEquals(codeOf(() => s.marketBuy(0)), "BAD_QUANTITY");
    assertEquals(codeOf(() => s.marketBuy(NaN)), "BAD_QUANTITY");
    assertEquals(codeOf(() => s.marketSell(-1)), "BAD_QUANTITY");
    assertEquals(codeOf(() => s.limitBuy(0, 1)), "BAD_PRICE");
    assertEquals(codeOf(() => s.limitSell(Infinity, 1)), "BAD_PRICE");
    assertEquals(codeOf(() => s.stopMarket("sell", -1, 1)), "BAD_PRICE");
    assertEquals(codeOf(() => s.stopMarket("hold" as flox.Side, 1, 1)), "BAD_SIDE");
    assertEquals(codeOf(() => s.marketBuy(1, eth)), "INVALID_ARG"); // not one of its symbols
    assertEquals(codeOf(() => s.cancelOrder(0)), "INVALID_ARG");
    assertEquals(host.orders.length, 0);
  });

  test("orders outside a run are STATE errors; one host at a time", () => {
    const s = new Idle([btc]);
    assertEquals(codeOf(() => s.marketBuy(1)), "STATE");
    assertEquals(codeOf(() => s.closePosition()), "STATE");
    const a = new RecordingHost();
    s.attach(a);
    assert(s.attached);
    s.attach(a); // same host again is fine
    assertEquals(codeOf(() => s.attach(new RecordingHost())), "STATE");
    s.detach();
    assert(!s.attached);
    assertEquals(codeOf(() => s.marketBuy(1)), "STATE");
  });

  test("constructor validates symbols", () => {
    assertEquals(codeOf(() => new Idle([])), "INVALID_ARG");
    assertEquals(codeOf(() => new Idle([0])), "INVALID_ARG");
    assertEquals(codeOf(() => new Idle([1.5])), "INVALID_ARG");
    assertEquals(codeOf(() => new Idle([btc, 1])), "INVALID_ARG");
    assertEquals(new Idle([2, btc]).symbols, [2, 1]);
  });
});
