// Average true range (Wilder), streaming.
import { checkPeriod, notFinite } from "./check.ts";
import { FloxError } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";

/**
 * Wilder's ATR over bars. True range: high - low for the first bar, then
 * max(high - low, |high - prevClose|, |low - prevClose|). ATR is the RMA of the true range: the mean
 * of the first `period` true ranges, then (atr * (period - 1) + tr) / period. First value at the
 * period-th bar. O(1), no allocation. `indicators.atr` in C is identical.
 */
export class ATR {
  readonly period: number;
  #count = 0;
  #prevClose = 0;
  #seed = 0;
  #value: number | null = null;

  constructor(period = 14) {
    this.period = checkPeriod("ATR", "period", period);
  }

  /** Adds a bar (finite values, high >= low, else BAD_PRICE); returns the ATR, or null while warming up. */
  update(high: number, low: number, close: number): number | null {
    if (!Number.isFinite(high)) throw notFinite("ATR.update", "high", high);
    if (!Number.isFinite(low)) throw notFinite("ATR.update", "low", low);
    if (!Number.isFinite(close)) throw notFinite("ATR.update", "close", close);
    if (high < low) throw new FloxError(FloxStatus.BAD_PRICE, `ATR.update: high ${high} is below low ${low}`);
    const n = this.period;
    let tr = high - low;
    if (this.#count > 0) {
      const a = Math.abs(high - this.#prevClose), b = Math.abs(low - this.#prevClose);
      if (a > tr) tr = a;
      if (b > tr) tr = b;
    }
    this.#prevClose = close;
    const count = ++this.#count;
    if (count > n) return this.#value = ((this.#value as number) * (n - 1) + tr) / n;
    this.#seed += tr;
    return this.#value = count === n ? this.#seed / n : null;
  }

  get value(): number | null {
    return this.#value;
  }
  get ready(): boolean {
    return this.#count >= this.period;
  }
  reset(): void {
    this.#count = 0;
    this.#prevClose = 0;
    this.#seed = 0;
    this.#value = null;
  }
}
