// Raw engine symbols: status codes, out-parameters left alone on failure, short buffers, NULL handles,
// the stats layout, and the batch message kept in the engine.
import { describe, test } from "node:test";
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { backend, lib } from "../../lib/ffi/load.ts";
import { STAT_COUNT, STAT_KEYS } from "../../lib/ffi/layout_engine.ts";
import { FloxStatus } from "../../lib/status_codes.ts";

const lastError = () => backend.cString(lib.flox_last_error());

function create(capital = 1000, fee = 0, ppy = 0, model = 0) {
  const out = new BigUint64Array(1);
  assertEquals(lib.flox_engine_create(capital, fee, ppy, model, out), FloxStatus.OK);
  return backend.handleFrom(out[0]);
}

const ts = BigInt64Array.from([1_700_000_000n, 1_700_000_060n, 1_700_000_120n]);
const px = Float64Array.from([10, 11, 12]);

function signal(tsNs: bigint, side: number, qty: number): Uint8Array {
  const out = new Uint8Array(32);
  const status = lib.flox_make_signals(
    BigInt64Array.of(tsNs),
    Uint8Array.of(side),
    Float64Array.of(qty),
    new Float64Array(1),
    0,
    new Uint8Array(1),
    0,
    1n,
    out,
    32n,
  );
  assertEquals(status, FloxStatus.OK);
  return out;
}

describe("engine symbols", () => {
  test("create rejects bad arguments and leaves out untouched; destroy(null) is a no-op", () => {
    const out = BigUint64Array.of(7n);
    assertEquals(lib.flox_engine_create(0, 0, 0, 0, out), FloxStatus.INVALID_ARG);
    assertStringIncludes(lastError(), "initialCapital");
    assertEquals(lib.flox_engine_create(1, 0, 0, 5, out), FloxStatus.INVALID_ARG);
    assertEquals(out[0], 7n);
    lib.flox_engine_destroy(null);
  });

  test("stats layout: FLOX_STAT_COUNT values in STAT_KEYS order", () => {
    assertEquals(STAT_KEYS.length, STAT_COUNT);
    const e = create(1000, 0, 252);
    assertEquals(lib.flox_engine_load_bars_i64ts(e, 1, ts, px, px, px, px, px, 3n), FloxStatus.OK);
    assertEquals(lib.flox_engine_bar_count(e, 1), 3n);
    const stats = new Float64Array(STAT_COUNT + 1).fill(-7);
    const s = signal(1_700_000_060_000_000_000n, 0, 2);
    assertEquals(lib.flox_engine_run(e, 1, s, 1n, stats, 0, new Float64Array(1), 0n), FloxStatus.OK);
    const at = (k: (typeof STAT_KEYS)[number]) => stats[STAT_KEYS.indexOf(k)];
    assertEquals(at("netPnl"), 2); // bought 2 at 11, marked at 12
    assertEquals(at("initialCapital"), 1000);
    assertEquals(at("finalEquity"), 1002);
    assertEquals(at("bars"), 3);
    assertEquals(at("periodsPerYear"), 252);
    assertEquals(stats[STAT_COUNT], -7, "nothing written past the vector");
    lib.flox_engine_destroy(e);
  });

  test("short buffers are BUFFER_TOO_SMALL and nothing is written", () => {
    const e = create();
    assertEquals(lib.flox_engine_load_bars_i64ts(e, 1, ts, px, px, px, px, px, 3n), FloxStatus.OK);
    const s = signal(1_700_000_000_000_000_000n, 0, 1);
    const stats = new Float64Array(STAT_COUNT);
    const equity = new Float64Array(2).fill(-1);
    assertEquals(lib.flox_engine_run(e, 1, s, 1n, stats, 1, equity, 2n), FloxStatus.BUFFER_TOO_SMALL);
    assertEquals(Array.from(equity), [-1, -1]);
    assertEquals(Array.from(stats), new Array(STAT_COUNT).fill(0));
    const sell = signal(1_700_000_120_000_000_000n, 1, 1);
    const both = new Uint8Array(64);
    both.set(s);
    both.set(sell, 32);
    assertEquals(lib.flox_engine_run(e, 1, both, 2n, stats, 0, equity, 0n), FloxStatus.OK);
    assertEquals(lib.flox_engine_trade_count(e), 1n);
    const i64 = new BigInt64Array(1), u8 = new Uint8Array(1), f = new Float64Array(1);
    assertEquals(lib.flox_engine_copy_trades(e, i64, i64, u8, f, f, f, f, f, 0n), FloxStatus.BUFFER_TOO_SMALL);
    assertStringIncludes(lastError(), "1 trades");
    const out = new Uint8Array(31);
    const status = lib.flox_make_signals(
      BigInt64Array.of(1n),
      Uint8Array.of(0),
      Float64Array.of(1),
      new Float64Array(1),
      0,
      new Uint8Array(1),
      0,
      1n,
      out,
      31n,
    );
    assertEquals(status, FloxStatus.BUFFER_TOO_SMALL);
    assertEquals(Array.from(out), new Array(31).fill(0));
    lib.flox_engine_destroy(e);
  });

  test("batch: message kept in the engine, progress counts runs, NULL progress is allowed", () => {
    const e = create();
    assertEquals(lib.flox_engine_load_bars_i64ts(e, 1, ts, px, px, px, px, px, 3n), FloxStatus.OK);
    const s = signal(1_700_000_000_000_000_000n, 0, 1);
    const addrs = BigUint64Array.of(backend.addressOf(s), backend.addressOf(s));
    const counts = BigInt64Array.of(1n, 1n);
    const stats = new Float64Array(2 * STAT_COUNT);
    assertEquals(lib.flox_engine_run_batch(e, 1, addrs, counts, 2n, 1, stats, null), FloxStatus.OK);
    assertEquals(stats[0], 2);
    assertEquals(stats[STAT_COUNT], 2);
    assertEquals(backend.cString(lib.flox_engine_batch_message(e)), "");
    const out = new BigUint64Array(1);
    assertEquals(lib.flox_progress_create(out), FloxStatus.OK);
    const p = backend.handleFrom(out[0]);
    assertEquals(lib.flox_engine_run_batch(e, 1, addrs, counts, 2n, 2, stats, p), FloxStatus.OK);
    assertEquals(lib.flox_progress_done(p), 2n);
    assertEquals(lib.flox_progress_total(p), 2n);
    counts[1] = -1n;
    assertEquals(lib.flox_engine_run_batch(e, 1, addrs, counts, 2n, 1, stats, p), FloxStatus.INVALID_ARG);
    assertStringIncludes(backend.cString(lib.flox_engine_batch_message(e)), "set 1: signal count is -1");
    counts[1] = 1n;
    addrs[1] = 0n;
    assertEquals(lib.flox_engine_run_batch(e, 1, addrs, counts, 2n, 1, stats, p), FloxStatus.INVALID_ARG);
    assertStringIncludes(lastError(), "set 1: address is 0");
    assertEquals(lib.flox_engine_run_batch(e, 1, addrs, counts, 2n, -1, stats, p), FloxStatus.INVALID_ARG);
    lib.flox_progress_destroy(p);
    lib.flox_engine_destroy(e);
  });

  test("metric symbols reject non-finite input with the index", () => {
    const out = new Float64Array(10);
    assertEquals(lib.flox_metrics_from_returns(Float64Array.of(0.1, NaN), 2n, 252, out), FloxStatus.INVALID_ARG);
    assertStringIncludes(lastError(), "returns[1] is nan");
    assertEquals(lib.flox_metrics_drawdown(Float64Array.of(1, Infinity), 2n, out), FloxStatus.INVALID_ARG);
    assertStringIncludes(lastError(), "equity[1]");
    assert(lib.flox_metrics_from_returns(new Float64Array(1), 0n, 252, out) === FloxStatus.OK);
  });
});

describe("stats object", () => {
  test("statsAt maps the vector in STAT_KEYS order, and ReturnMetrics in METRIC_KEYS order", async () => {
    const { statsAt } = await import("../../lib/engine.ts");
    const v = Float64Array.from({ length: STAT_COUNT + 3 }, (_, i) => i * 10);
    const s = statsAt(v, 3) as unknown as Record<string, number>;
    assertEquals(Object.keys(s), [...STAT_KEYS]);
    STAT_KEYS.forEach((k, i) => assertEquals(s[k], (i + 3) * 10, k));
    const { METRIC_KEYS } = await import("../../lib/ffi/layout_engine.ts");
    const { metrics } = await import("../../lib/metrics.ts");
    assertEquals(Object.keys(metrics.fromReturns([0.01, -0.02, 0.03])), [...METRIC_KEYS]);
  });
});
