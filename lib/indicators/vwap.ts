// Rolling VWAP over the last N trades, streaming.
import { checkPeriod, notFinite } from "./check.ts";
import { FloxError } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";

/**
 * Volume-weighted average price of the last `period` updates (trades or bars): sum(price * qty) /
 * sum(qty); NaN when the window's volume is 0. Window by count, not by time. Running sums over ring
 * buffers, re-summed exactly when the ring wraps (as SMA). Returns null for the first period - 1
 * updates. O(1) amortised, no allocation. `indicators.vwap` in C is identical.
 */
export class RollingVWAP {
  readonly period: number;
  #pv: Float64Array;
  #v: Float64Array;
  #pos = 0;
  #count = 0;
  #sumPv = 0;
  #sumV = 0;
  #value: number | null = null;

  constructor(period: number) {
    this.period = checkPeriod("RollingVWAP", "period", period);
    this.#pv = new Float64Array(period);
    this.#v = new Float64Array(period);
  }

  /** Adds a trade (finite price, finite qty >= 0); returns the VWAP, or null while warming up. */
  update(price: number, qty: number): number | null {
    if (!Number.isFinite(price)) throw notFinite("RollingVWAP.update", "price", price);
    if (!(qty >= 0 && qty < Infinity)) {
      throw new FloxError(FloxStatus.BAD_QUANTITY, `RollingVWAP.update: qty is ${qty}; must be finite and >= 0`);
    }
    const n = this.period, pos = this.#pos;
    if (this.#count >= n) {
      this.#sumPv -= this.#pv[pos];
      this.#sumV -= this.#v[pos];
    }
    const pv = price * qty;
    this.#pv[pos] = pv;
    this.#v[pos] = qty;
    this.#sumPv += pv;
    this.#sumV += qty;
    this.#count++;
    if (++this.#pos === n) {
      this.#pos = 0;
      let a = 0, b = 0;
      for (let i = 0; i < n; i++) a += this.#pv[i], b += this.#v[i];
      this.#sumPv = a;
      this.#sumV = b;
    }
    if (this.#count < n) return this.#value = null;
    return this.#value = this.#sumV > 0 ? this.#sumPv / this.#sumV : NaN;
  }

  get value(): number | null {
    return this.#value;
  }
  get ready(): boolean {
    return this.#count >= this.period;
  }
  reset(): void {
    this.#pos = 0;
    this.#count = 0;
    this.#sumPv = 0;
    this.#sumV = 0;
    this.#value = null;
  }
}
