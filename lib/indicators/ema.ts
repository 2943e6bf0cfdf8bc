// Exponential moving average, streaming.
import { checkPeriod, notFinite } from "./check.ts";

/**
 * Exponential moving average with alpha = 2 / (period + 1), seeded with the simple average of the
 * first `period` values (the charting convention): the first value comes out at the period-th
 * update, then ema += alpha * (value - ema). O(1), no allocation. `indicators.ema` in C is identical.
 */
export class EMA {
  readonly period: number;
  readonly alpha: number;
  #count = 0;
  #seed = 0;
  #value: number | null = null;

  constructor(period: number) {
    this.period = checkPeriod("EMA", "period", period);
    this.alpha = 2 / (period + 1);
  }

  /** Adds a value (finite, else BAD_PRICE); returns the average, or null while warming up. */
  update(value: number): number | null {
    if (!Number.isFinite(value)) throw notFinite("EMA.update", "value", value);
    const n = this.period;
    const count = ++this.#count;
    if (count > n) return this.#value = (this.#value as number) + this.alpha * (value - (this.#value as number));
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
