// makeSignals and packBars: columns into the packed records the engine reads (spec/engine.md 2).
import { FloxError, invalidArgument } from "./errors.ts";
import { FloxStatus } from "./status_codes.ts";
import type { BarColumns } from "./engine_types.ts";
import { makeSignalsNative } from "./ffi/engine_native.ts";
import { BAR_RECORD_SIZE } from "./ffi/layout_engine.ts";

/** Signal columns for makeSignals. */
export interface SignalColumns {
  /** Signal times in s, ms, us or ns (per element, by magnitude). */
  timestamps: BigInt64Array | Float64Array;
  /** 0 buy, 1 sell. */
  sides: Uint8Array;
  /** Finite and > 0; stored in units of 1e-8. */
  quantities: Float64Array;
  /** Limit prices (read for limit orders); optional for market-only signals. */
  prices?: Float64Array;
  /** 0 market, 1 limit; default all market. */
  types?: Uint8Array;
}

function checkColumn(op: string, name: string, column: unknown, type: string, ok: boolean, n: number): void {
  if (!ok) throw invalidArgument(op, `${name} must be a ${type}`);
  const length = (column as { length: number }).length;
  if (length !== n) {
    throw new FloxError(FloxStatus.LENGTH_MISMATCH, `${op}: ${name} has ${length} elements but timestamps has ${n}`);
  }
}

/**
 * Packs and validates signals into 32-byte records (ts_ns, qty x 1e8, price x 1e8, side, type).
 * Throws FloxError: LENGTH_MISMATCH, BAD_SIDE, BAD_ORDER_TYPE, BAD_QUANTITY, MISSING_PRICE, BAD_PRICE,
 * naming the column and index.
 */
export function makeSignals(s: SignalColumns): Uint8Array {
  const op = "makeSignals";
  if (s === null || typeof s !== "object") throw invalidArgument(op, "expected { timestamps, sides, quantities }");
  const ts = s.timestamps;
  if (!(ts instanceof BigInt64Array || ts instanceof Float64Array)) {
    throw invalidArgument(op, "timestamps must be a BigInt64Array or a Float64Array");
  }
  const n = ts.length;
  checkColumn(op, "sides", s.sides, "Uint8Array", s.sides instanceof Uint8Array, n);
  checkColumn(op, "quantities", s.quantities, "Float64Array", s.quantities instanceof Float64Array, n);
  if (s.prices !== undefined) {
    checkColumn(op, "prices", s.prices, "Float64Array", s.prices instanceof Float64Array, n);
  }
  if (s.types !== undefined) checkColumn(op, "types", s.types, "Uint8Array", s.types instanceof Uint8Array, n);
  return makeSignalsNative(op, ts, s.sides, s.quantities, s.prices, s.types);
}

const SCALE_S = 1_000_000_000n;

function tsToNs(op: string, t: bigint | number, i: number): bigint {
  if (typeof t === "bigint") {
    const a = t < 0n ? -t : t;
    const ns = a < 1_000_000_000_000n
      ? t * SCALE_S
      : a < 1_000_000_000_000_000n
      ? t * 1_000_000n
      : a < 1_000_000_000_000_000_000n
      ? t * 1000n
      : t;
    if (ns > 9223372036854775807n || ns < -9223372036854775808n) {
      throw invalidArgument(op, `timestamps[${i}] is ${t}; beyond the int64 nanosecond range`);
    }
    return ns;
  }
  if (!Number.isFinite(t)) throw invalidArgument(op, `timestamps[${i}] is ${t}; must be finite`);
  const a = Math.abs(t);
  const ns = Math.round(t * (a < 1e12 ? 1e9 : a < 1e15 ? 1e6 : a < 1e18 ? 1e3 : 1));
  if (!(ns >= -9223372036854775808 && ns < 9223372036854775808)) {
    throw invalidArgument(op, `timestamps[${i}] is ${t}; beyond the int64 nanosecond range`);
  }
  return BigInt(ns);
}

/** round_half_away_from_zero(x * 1e8), as spec/engine.md section 1. */
function toRaw(x: number): bigint {
  const scaled = x * 1e8;
  return BigInt(Math.sign(scaled) * Math.round(Math.abs(scaled)));
}

/**
 * Packs bar columns into 48-byte records (ts_ns i64, then open/high/low/close/volume as raw = x * 1e8
 * rounded half away from zero), the layout Engine.loadBars accepts as a Uint8Array. Timestamps are
 * normalised to ns here. Prices must be finite and > 0; volume finite.
 */
export function packBars(bars: BarColumns): Uint8Array {
  const op = "packBars";
  const ts = bars?.timestamps;
  if (!(ts instanceof BigInt64Array || ts instanceof Float64Array)) {
    throw invalidArgument(op, "timestamps must be a BigInt64Array or a Float64Array");
  }
  const n = ts.length;
  const columns = ["open", "high", "low", "close", "volume"] as const;
  for (const name of columns) {
    checkColumn(op, name, bars[name], "Float64Array", bars[name] instanceof Float64Array, n);
  }
  const out = new Uint8Array(n * BAR_RECORD_SIZE);
  const words = new BigInt64Array(out.buffer);
  for (let i = 0; i < n; i++) {
    words[i * 6] = tsToNs(op, ts[i], i);
    for (let c = 0; c < 5; c++) {
      const x = bars[columns[c]][i];
      if (!Number.isFinite(x) || (c < 4 && x <= 0) || Math.abs(x * 1e8) >= 9.2e18) {
        const code = c < 4 ? FloxStatus.BAD_PRICE : FloxStatus.INVALID_ARG;
        throw new FloxError(code, `${op}: ${columns[c]}[${i}] is ${x}; must be finite${c < 4 ? " and > 0" : ""}`);
      }
      words[i * 6 + 1 + c] = toRaw(x);
    }
  }
  return out;
}
