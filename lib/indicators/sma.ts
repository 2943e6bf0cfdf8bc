// Simple moving average, streaming.
import { checkPeriod, notFinite } from "./check.ts";

/**
 * Simple moving average of the last `period` values: sum / period.
 *
 * Warm-up: `update` returns null for the first period - 1 values. O(1) per update and no
 * allocation: a running sum over a ring buffer, re-summed exactly from the window each time the
 * ring wraps (every `period` updates, so amortised O(1)) so rounding errors cannot accumulate over
 * millions of updates. `indicators.sma` in C runs the same steps and gives identical values.
 */
export class SMA {
  readonly period: number;
  #buf: Float64Array;
  #pos = 0;
  #count = 0;
  #sum = 0;
  #value: number | null = null;

  constructor(period: number) {
    this.period = checkPeriod("SMA", "period", period);
    this.#buf = new Float64Array(period);
  }

  /** Adds a value (finite, else BAD_PRICE); returns the average, or null while warming up. */
  update(value: number): number | null {
    if (!Number.isFinite(value)) throw notFinite("SMA.update", "value", value);
    const n = this.period, buf = this.#buf;
    if (this.#count >= n) this.#sum -= buf[this.#pos];
    buf[this.#pos] = value;
    this.#sum += value;
    this.#count++;
    if (++this.#pos === n) {
      this.#pos = 0;
      let s = 0;
      for (let i = 0; i < n; i++) s += buf[i];
      this.#sum = s;
    }
    return this.#value = this.#count >= n ? this.#sum / n : null;
  }

  /** Last value returned by update (null while warming up). */
  get value(): number | null {
    return this.#value;
  }
  /** True once update returns numbers. */
  get ready(): boolean {
    return this.#count >= this.period;
  }
  /** Forgets every value. */
  reset(): void {
    this.#pos = 0;
    this.#count = 0;
    this.#sum = 0;
    this.#value = null;
  }
}
