// Bollinger bands, streaming.
import { checkPeriod, notFinite } from "./check.ts";
import { FloxError } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";

/** One Bollinger reading. The object returned by BollingerBands.update is reused. */
export interface BollingerValue {
  upper: number;
  middle: number;
  lower: number;
}

/**
 * Bollinger bands: middle = mean of the last `period` values, upper/lower = middle +- k * sd, where
 * sd is the population standard deviation of the window (divide by period, as charting packages do).
 * The mean and the sum of squared deviations slide in O(1) (Welford's add/remove update, stable
 * for prices far from zero) and are recomputed exactly, in two passes, each time the ring wraps, so
 * errors cannot accumulate. Returns null for the first period - 1 values, then the same result
 * object each time. `indicators.bollinger` in C is identical.
 */
export class BollingerBands {
  readonly period: number;
  readonly k: number;
  #buf: Float64Array;
  #pos = 0;
  #count = 0;
  #mean = 0;
  #m2 = 0;
  #out: BollingerValue = { upper: NaN, middle: NaN, lower: NaN };

  constructor(period = 20, k = 2) {
    this.period = checkPeriod("BollingerBands", "period", period);
    if (!(Number.isFinite(k) && k >= 0)) {
      throw new FloxError(FloxStatus.INVALID_ARG, `BollingerBands: k is ${k}; must be finite and >= 0`);
    }
    this.k = k;
    this.#buf = new Float64Array(period);
  }

  /** Adds a value (finite, else BAD_PRICE); returns the reused reading, or null while warming up. */
  update(value: number): BollingerValue | null {
    if (!Number.isFinite(value)) throw notFinite("BollingerBands.update", "value", value);
    const n = this.period, buf = this.#buf;
    if (this.#count < n) {
      const count = ++this.#count;
      const d = value - this.#mean;
      this.#mean += d / count;
      this.#m2 += d * (value - this.#mean);
    } else {
      const old = buf[this.#pos];
      const oldMean = this.#mean;
      this.#mean += (value - old) / n;
      this.#m2 += (value - old) * (value - this.#mean + old - oldMean);
    }
    buf[this.#pos] = value;
    if (++this.#pos === n) {
      this.#pos = 0;
      let s = 0;
      for (let i = 0; i < n; i++) s += buf[i];
      const mean = s / n;
      let m2 = 0;
      for (let i = 0; i < n; i++) m2 += (buf[i] - mean) * (buf[i] - mean);
      this.#mean = mean;
      this.#m2 = m2;
    }
    if (this.#count < n) return null;
    const sd = Math.sqrt((this.#m2 > 0 ? this.#m2 : 0) / n);
    const out = this.#out;
    out.middle = this.#mean;
    out.upper = this.#mean + this.k * sd;
    out.lower = this.#mean - this.k * sd;
    return out;
  }

  get value(): BollingerValue | null {
    return this.#count >= this.period ? this.#out : null;
  }
  get ready(): boolean {
    return this.#count >= this.period;
  }
  reset(): void {
    this.#pos = 0;
    this.#count = 0;
    this.#mean = 0;
    this.#m2 = 0;
  }
}
