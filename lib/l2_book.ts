// L2Book: price levels of one symbol, kept sorted, so a host can answer best bid/ask after book
// deltas as well as snapshots. Arrays grow as needed and are reused (no allocation per update once
// the book reached its depth).

/** Aggregated price levels of one instrument: bids high to low, asks low to high. */
export class L2Book {
  #bidPrices: number[] = [];
  #bidQtys: number[] = [];
  #askPrices: number[] = [];
  #askQtys: number[] = [];

  /** Highest bid price; NaN when there are no bids. */
  get bestBid(): number {
    return this.#bidPrices.length > 0 ? this.#bidPrices[0] : NaN;
  }
  /** Lowest ask price; NaN when there are no asks. */
  get bestAsk(): number {
    return this.#askPrices.length > 0 ? this.#askPrices[0] : NaN;
  }
  get bidDepth(): number {
    return this.#bidPrices.length;
  }
  get askDepth(): number {
    return this.#askPrices.length;
  }

  /** Replaces the book with these levels (any order; qty 0 levels are left out). */
  applySnapshot(
    bidPrices: ArrayLike<number>,
    bidQtys: ArrayLike<number>,
    askPrices: ArrayLike<number>,
    askQtys: ArrayLike<number>,
  ): void {
    this.#bidPrices.length = 0;
    this.#bidQtys.length = 0;
    this.#askPrices.length = 0;
    this.#askQtys.length = 0;
    this.applyDelta(bidPrices, bidQtys, askPrices, askQtys);
  }

  /** Sets each level's quantity; qty 0 removes the level. */
  applyDelta(
    bidPrices: ArrayLike<number>,
    bidQtys: ArrayLike<number>,
    askPrices: ArrayLike<number>,
    askQtys: ArrayLike<number>,
  ): void {
    for (let i = 0; i < bidPrices.length; i++) setLevel(this.#bidPrices, this.#bidQtys, bidPrices[i], bidQtys[i], -1);
    for (let i = 0; i < askPrices.length; i++) setLevel(this.#askPrices, this.#askQtys, askPrices[i], askQtys[i], 1);
  }

  clear(): void {
    this.applySnapshot([], [], [], []);
  }
}

// dir 1: ascending (asks), -1: descending (bids).
function setLevel(prices: number[], qtys: number[], price: number, qty: number, dir: 1 | -1): void {
  let lo = 0, hi = prices.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((prices[mid] - price) * dir < 0) lo = mid + 1;
    else hi = mid;
  }
  const found = lo < prices.length && prices[lo] === price;
  if (qty > 0) {
    if (found) qtys[lo] = qty;
    else {
      prices.splice(lo, 0, price);
      qtys.splice(lo, 0, qty);
    }
  } else if (found) {
    prices.splice(lo, 1);
    qtys.splice(lo, 1);
  }
}
