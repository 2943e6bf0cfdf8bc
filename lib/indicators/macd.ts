// MACD, streaming.
import { checkPeriod } from "./check.ts";
import { EMA } from "./ema.ts";
import { FloxError } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";

/** One MACD reading. The object returned by MACD.update is reused: copy the fields you keep. */
export interface MacdValue {
  macd: number;
  signal: number;
  histogram: number;
}

/**
 * MACD: macd = EMA(fast) - EMA(slow) (both EMAs seeded with their simple average, see EMA), from
 * the slow-th value on; signal = EMA(signal) of the macd line, seeded the same way; histogram =
 * macd - signal. `update` returns null until the signal line is warm (slow + signal - 1 values),
 * then the same result object each time. O(1), no allocation. `indicators.macd` in C is identical
 * (its macd column starts earlier, at index slow - 1).
 */
export class MACD {
  readonly fast: number;
  readonly slow: number;
  readonly signal: number;
  #fast: EMA;
  #slow: EMA;
  #signal: EMA;
  #out: MacdValue = { macd: NaN, signal: NaN, histogram: NaN };
  #ready = false;

  constructor(fast = 12, slow = 26, signal = 9) {
    this.fast = checkPeriod("MACD", "fast", fast);
    this.slow = checkPeriod("MACD", "slow", slow);
    this.signal = checkPeriod("MACD", "signal", signal);
    if (fast >= slow) throw new FloxError(FloxStatus.INVALID_ARG, `MACD: fast (${fast}) must be below slow (${slow})`);
    this.#fast = new EMA(fast);
    this.#slow = new EMA(slow);
    this.#signal = new EMA(signal);
  }

  /** Adds a price (finite, else BAD_PRICE); returns the reused reading, or null while warming up. */
  update(value: number): MacdValue | null {
    const f = this.#fast.update(value);
    const s = this.#slow.update(value);
    if (s === null) return null;
    const macd = (f as number) - s;
    const signal = this.#signal.update(macd);
    if (signal === null) return null;
    const out = this.#out;
    out.macd = macd;
    out.signal = signal;
    out.histogram = macd - signal;
    this.#ready = true;
    return out;
  }

  /** Last reading (the reused object), or null while warming up. */
  get value(): MacdValue | null {
    return this.#ready ? this.#out : null;
  }
  get ready(): boolean {
    return this.#ready;
  }
  reset(): void {
    this.#fast.reset();
    this.#slow.reset();
    this.#signal.reset();
    this.#ready = false;
  }
}
