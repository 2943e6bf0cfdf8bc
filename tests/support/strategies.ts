// Strategies shared by the runner tests and benchmarks.
import { type BookUpdate, type Fill, Strategy, type SymbolContext, type Trade } from "../../mod.ts";

/** Simple moving average over a fixed window (kept local so these tests need no indicator code). */
class Sma {
  readonly #window: Float64Array;
  #sum = 0;
  #n = 0;
  constructor(period: number) {
    this.#window = new Float64Array(period);
  }
  update(x: number): number | null {
    const w = this.#window, i = this.#n % w.length;
    this.#sum += x - (this.#n >= w.length ? w[i] : 0);
    w[i] = x;
    this.#n++;
    return this.#n >= w.length ? this.#sum / w.length : null;
  }
}

/**
 * The seed's SMA cross: buy when the fast average crosses above the slow one, close below. Its
 * averages restart in onStart, so one object can run several sessions (live, then a backtest).
 */
export class SmaCross extends Strategy {
  fast: Sma;
  slow: Sma;
  readonly qty: number;
  readonly periods: [number, number];
  fills: Fill[] = [];
  constructor(symbols: readonly (number | { id: number })[], fast = 10, slow = 30, qty = 0.01) {
    super(symbols.map((s) => typeof s === "number" ? s : s.id));
    this.periods = [fast, slow];
    this.fast = new Sma(fast);
    this.slow = new Sma(slow);
    this.qty = qty;
  }
  override onStart(): void {
    this.fast = new Sma(this.periods[0]);
    this.slow = new Sma(this.periods[1]);
    this.fills = [];
  }
  override onTrade(ctx: SymbolContext, trade: Trade): void {
    const f = this.fast.update(trade.price), s = this.slow.update(trade.price);
    if (f === null || s === null) return;
    if (f > s && ctx.isFlat()) this.marketBuy(this.qty);
    else if (f < s && ctx.isLong()) this.closePosition();
  }
  override onFill(_ctx: SymbolContext, fill: Fill): void {
    this.fills.push({ ...fill });
  }
}

/** A deterministic price path with several SMA crosses (a slow wave plus a faster wobble). */
export function wavyPrices(n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round((100 + 5 * Math.sin(i / 40) + 0.7 * Math.sin(i / 3.3)) * 100) / 100;
  return out;
}

/** Records what it is given (copies: the runner reuses event objects). */
export class Recorder extends Strategy {
  trades: { symbol: number; price: number; qty: number; isBuy: boolean; tsNs: bigint }[] = [];
  books: { symbol: number; snapshot: boolean; bids: number[]; asks: number[]; bestBid: number; bestAsk: number }[] = [];
  started = 0;
  stopped = 0;
  override onStart(): void {
    this.started++;
  }
  override onStop(): void {
    this.stopped++;
  }
  override onTrade(_ctx: SymbolContext, t: Trade): void {
    this.trades.push({ symbol: t.symbol, price: t.price, qty: t.qty, isBuy: t.isBuy, tsNs: t.tsNs });
  }
  override onBookUpdate(ctx: SymbolContext, b: BookUpdate): void {
    this.books.push({
      symbol: b.symbol,
      snapshot: b.snapshot,
      bids: [...b.bidPrices],
      asks: [...b.askPrices],
      bestBid: ctx.bestBid,
      bestAsk: ctx.bestAsk,
    });
  }
}

/**
 * Checks per-producer order without storing events: producer p's n-th event has symbol p and tsNs n
 * (the convention of tests/support/ring_producer_worker.ts).
 */
export class OrderChecker extends Strategy {
  next: number[];
  errors = 0;
  count = 0;
  books = 0;
  constructor(symbols: number[]) {
    super(symbols);
    this.next = new Array(Math.max(...symbols) + 1).fill(0);
  }
  override onTrade(_ctx: SymbolContext, t: Trade): void {
    const n = this.next[t.symbol]++;
    if (t.tsNs !== BigInt(n) || t.price !== 1 + (n % 1000) || t.isBuy !== ((n & 1) === 0)) this.errors++;
    this.count++;
  }
  override onBookUpdate(_ctx: SymbolContext, b: BookUpdate): void {
    const n = this.next[b.symbol]++;
    if (b.tsNs !== BigInt(n) || b.bidPrices[0] !== 1 + (n % 1000)) this.errors++;
    this.count++;
    this.books++;
  }
}
