// Average true range (Wilder), streaming.
import { checkPeriod, notFinite } from "./check.ts";
import { RMA } from "./rma.ts";
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
  /** Wilder's smoothing of the true range. */
  readonly #rma: RMA;
  #count = 0;
  #prevClose = 0;

  constructor(period = 14) {
    this.period = checkPeriod("ATR", "period", period);
    this.#rma = new RMA(period);
  }

  /** Adds a bar (finite values, high >= low, else BAD_PRICE); returns the ATR, or null while warming up. */
  update(high: number, low: number, close: number): number | null {
    if (!Number.isFinite(high)) throw notFinite("ATR.update", "high", high);
    if (!Number.isFinite(low)) throw notFinite("ATR.update", "low", low);
    if (!Number.isFinite(close)) throw notFinite("ATR.update", "close", close);
    if (high < low) throw new FloxError(FloxStatus.BAD_PRICE, `ATR.update: high ${high} is below low ${low}`);
    let tr = high - low;
    if (this.#count > 0) {
      const a = Math.abs(high - this.#prevClose), b = Math.abs(low - this.#prevClose);
      if (a > tr) tr = a;
      if (b > tr) tr = b;
    }
    this.#prevClose = close;
    this.#count++;
    return this.#rma.update(tr);
  }

  get value(): number | null {
    return this.#rma.value;
  }
  get ready(): boolean {
    return this.#rma.ready;
  }
  reset(): void {
    this.#count = 0;
    this.#prevClose = 0;
    this.#rma.reset();
  }
}
