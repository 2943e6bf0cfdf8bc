// Relative strength index (Wilder), streaming.
import { checkPeriod, notFinite } from "./check.ts";
import { RMA } from "./rma.ts";

/**
 * Wilder's RSI. Changes d = value - previous give gain = max(d, 0) and loss = max(-d, 0); their
 * averages are seeded with the simple mean of the first `period` changes and then smoothed with
 * Wilder's rule avg = (avg * (period - 1) + x) / period. RSI = 100 - 100 / (1 + avgGain / avgLoss),
 * with the charting convention for flat windows: 100 when avgLoss is 0 (also when both are 0), 0
 * when only avgGain is 0. Warm-up: the first value comes at update period + 1 (period changes need
 * period + 1 prices). O(1), no allocation. `indicators.rsi` in C is identical.
 */
export class RSI {
  readonly period: number;
  /** Wilder's smoothing of gains and of losses. */
  readonly #gain: RMA;
  readonly #loss: RMA;
  #count = 0;
  #prev = 0;
  #value: number | null = null;

  constructor(period = 14) {
    this.period = checkPeriod("RSI", "period", period);
    this.#gain = new RMA(period);
    this.#loss = new RMA(period);
  }

  /** Adds a price (finite, else BAD_PRICE); returns the RSI in [0, 100], or null while warming up. */
  update(value: number): number | null {
    if (!Number.isFinite(value)) throw notFinite("RSI.update", "value", value);
    const changes = this.#count++;
    const d = value - this.#prev;
    this.#prev = value;
    if (changes === 0) return null;
    const up = this.#gain.update(d > 0 ? d : 0), down = this.#loss.update(d < 0 ? -d : 0);
    if (up === null || down === null) return null;
    return this.#value = down === 0 ? 100 : up === 0 ? 0 : 100 - 100 / (1 + up / down);
  }

  get value(): number | null {
    return this.#value;
  }
  get ready(): boolean {
    return this.#count > this.period;
  }
  reset(): void {
    this.#count = 0;
    this.#prev = 0;
    this.#gain.reset();
    this.#loss.reset();
    this.#value = null;
  }
}
