// Stochastic oscillator, streaming.
import { checkPeriod, notFinite } from "./check.ts";
import { SMA } from "./sma.ts";
import { FloxError } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";

/** One stochastic reading. The object returned by Stochastic.update is reused. */
export interface StochasticValue {
  k: number;
  d: number;
}

/**
 * Stochastic oscillator over bars: %K = 100 * (close - LL) / (HH - LL), HH/LL the highest high and
 * lowest low of the last kPeriod bars (50 when HH = LL: a flat window has no position in its
 * range); %D = SMA(dPeriod) of %K (see SMA). Returns null until %D is warm (kPeriod + dPeriod - 1
 * bars), then the same result object. HH and LL come from monotonic queues in fixed ring buffers:
 * amortised O(1), no allocation. `indicators.stochastic` in C is identical.
 */
export class Stochastic {
  readonly kPeriod: number;
  readonly dPeriod: number;
  #d: SMA;
  #count = 0;
  // Monotonic queues of (bar index, value): highs decreasing from the front, lows increasing.
  #hiIdx: Float64Array;
  #hiVal: Float64Array;
  #hiHead = 0;
  #hiLen = 0;
  #loIdx: Float64Array;
  #loVal: Float64Array;
  #loHead = 0;
  #loLen = 0;
  #out: StochasticValue = { k: NaN, d: NaN };
  #ready = false;

  constructor(kPeriod = 14, dPeriod = 3) {
    this.kPeriod = checkPeriod("Stochastic", "kPeriod", kPeriod);
    this.dPeriod = checkPeriod("Stochastic", "dPeriod", dPeriod);
    this.#d = new SMA(dPeriod);
    this.#hiIdx = new Float64Array(kPeriod);
    this.#hiVal = new Float64Array(kPeriod);
    this.#loIdx = new Float64Array(kPeriod);
    this.#loVal = new Float64Array(kPeriod);
  }

  /** Adds a bar (finite, high >= low, else BAD_PRICE); returns the reused reading, or null while warming up. */
  update(high: number, low: number, close: number): StochasticValue | null {
    if (!Number.isFinite(high)) throw notFinite("Stochastic.update", "high", high);
    if (!Number.isFinite(low)) throw notFinite("Stochastic.update", "low", low);
    if (!Number.isFinite(close)) throw notFinite("Stochastic.update", "close", close);
    if (high < low) throw new FloxError(FloxStatus.BAD_PRICE, `Stochastic.update: high ${high} is below low ${low}`);
    const n = this.kPeriod, i = this.#count++;
    // Highs: drop smaller values from the back, expired indices from the front, then push.
    let len = this.#hiLen, head = this.#hiHead;
    while (len > 0 && this.#hiVal[(head + len - 1) % n] <= high) len--;
    if (len > 0 && this.#hiIdx[head] <= i - n) head = (head + 1) % n, len--;
    this.#hiIdx[(head + len) % n] = i;
    this.#hiVal[(head + len) % n] = high;
    this.#hiLen = len + 1;
    this.#hiHead = head;
    len = this.#loLen, head = this.#loHead;
    while (len > 0 && this.#loVal[(head + len - 1) % n] >= low) len--;
    if (len > 0 && this.#loIdx[head] <= i - n) head = (head + 1) % n, len--;
    this.#loIdx[(head + len) % n] = i;
    this.#loVal[(head + len) % n] = low;
    this.#loLen = len + 1;
    this.#loHead = head;
    if (i + 1 < n) return null;
    const hh = this.#hiVal[this.#hiHead], ll = this.#loVal[this.#loHead];
    const k = hh === ll ? 50 : 100 * (close - ll) / (hh - ll);
    const d = this.#d.update(k);
    if (d === null) return null;
    const out = this.#out;
    out.k = k;
    out.d = d;
    this.#ready = true;
    return out;
  }

  get value(): StochasticValue | null {
    return this.#ready ? this.#out : null;
  }
  get ready(): boolean {
    return this.#ready;
  }
  reset(): void {
    this.#count = 0;
    this.#hiHead =
      this.#hiLen =
      this.#loHead =
      this.#loLen =
        0;
    this.#d.reset();
    this.#ready = false;
  }
}
