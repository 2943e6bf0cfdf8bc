// Wilder's running moving average (RMA, SMMA), streaming.
import { checkPeriod, notFinite } from "./check.ts";

/**
 * Wilder's smoothing (RMA): seeded with the simple average of the first `period` values, then
 * rma = (rma * (period - 1) + value) / period, i.e. an EMA with alpha = 1 / period. RSI and ATR
 * use it. O(1), no allocation. `indicators.rma` in C is identical.
 */
export class RMA {
  readonly period: number;
  #count = 0;
  #seed = 0;
  #value: number | null = null;

  constructor(period: number) {
    this.period = checkPeriod("RMA", "period", period);
  }

  /** Adds a value (finite, else BAD_PRICE); returns the average, or null while warming up. */
  update(value: number): number | null {
    if (!Number.isFinite(value)) throw notFinite("RMA.update", "value", value);
    const n = this.period;
    const count = ++this.#count;
    if (count > n) return this.#value = ((this.#value as number) * (n - 1) + value) / n;
    this.#seed += value;
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
    this.#seed = 0;
    this.#value = null;
  }
}
