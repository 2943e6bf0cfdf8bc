// Indicators through mod.ts: hand-computed values, streaming == batch (bit for bit), warm-up, errors.
import { describe, test } from "node:test";
import { assert, assertAlmostEquals, assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import * as flox from "../mod.ts";

/** Deterministic pseudo-random walk (mulberry32), prices around 30000 with a few flat stretches. */
function walk(n: number, seed = 7): { close: Float64Array; high: Float64Array; low: Float64Array; qty: Float64Array } {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const close = new Float64Array(n), high = new Float64Array(n), low = new Float64Array(n), qty = new Float64Array(n);
  let p = 30000;
  for (let i = 0; i < n; i++) {
    if (i % 97 < 90) p += (rnd() - 0.5) * 40; // else a flat stretch: zero changes, zero ranges
    close[i] = p;
    high[i] = i % 97 >= 90 ? p : p + rnd() * 15;
    low[i] = i % 97 >= 90 ? p : p - rnd() * 15;
    qty[i] = i % 50 === 0 ? 0 : rnd() * 2;
  }
  return { close, high, low, qty };
}

/** Streaming output as a column: NaN where update returned null. */
function stream(n: number, step: (i: number) => number | null): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = step(i) ?? NaN;
  return out;
}

function assertSameColumn(actual: Float64Array, expected: Float64Array, what: string): void {
  assertEquals(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`${what}[${i}]: ${actual[i]} !== ${expected[i]}`);
  }
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof flox.FloxError) return e.codeName;
    throw e;
  }
  throw new Error("expected a FloxError");
}

const N = NaN;

describe("hand-computed values", () => {
  test("SMA, EMA (SMA seed), RMA (Wilder)", () => {
    const x = [2, 4, 6, 8, 12];
    assertEquals([...flox.indicators.sma(x, 3)], [N, N, 4, 6, 26 / 3]);
    assertEquals([...flox.indicators.ema(x, 3)], [N, N, 4, 6, 9]); // alpha 0.5: 4 + .5*(8-4), 6 + .5*(12-6)
    assertEquals([...flox.indicators.rma(x, 3)], [N, N, 4, 16 / 3, (16 / 3 * 2 + 12) / 3]);
    const sma = new flox.SMA(3);
    assertEquals(x.map((v) => sma.update(v)), [null, null, 4, 6, 26 / 3]);
    assertStrictEquals(sma.value, 26 / 3);
  });

  test("RSI: Wilder averages seeded with the mean of the first changes", () => {
    // changes +1, -0.5, +1.5: avg gain .5, loss .25 -> RS 2; then gain (.5+1.5)/2 = 1, loss .25/2 -> RS 8
    const r = flox.indicators.rsi([1, 2, 1.5, 3], 2);
    assert(Number.isNaN(r[0]) && Number.isNaN(r[1]));
    assertAlmostEquals(r[2], 100 - 100 / 3, 1e-12);
    assertAlmostEquals(r[3], 100 - 100 / 9, 1e-12);
    assertEquals([...flox.indicators.rsi([1, 2, 3], 2)].slice(2), [100]); // no losses
    assertEquals([...flox.indicators.rsi([3, 2, 1], 2)].slice(2), [0]); // no gains
    assertEquals([...flox.indicators.rsi([5, 5, 5], 2)].slice(2), [100]); // flat: charting convention
  });

  test("ATR: true range with the previous close, Wilder smoothing", () => {
    const bars = { high: [10, 11, 12], low: [8, 9, 9.5], close: [9, 10, 11.5] };
    // TR = 2, max(2, |11-9|, |9-9|) = 2, max(2.5, |12-10|, |9.5-10|) = 2.5
    assertEquals([...flox.indicators.atr(bars, 2)], [N, 2, 2.25]);
    const atr = new flox.ATR(2);
    assertEquals([0, 1, 2].map((i) => atr.update(bars.high[i], bars.low[i], bars.close[i])), [null, 2, 2.25]);
  });

  test("MACD, Bollinger (population sd), Stochastic, rolling VWAP", () => {
    // EMA2 of 1..6: 1.5 2.5 3.5 4.5 5.5 from i=1; EMA3: 2 3 4 5 from i=2; macd .5; signal EMA2 of macd .5
    const m = flox.indicators.macd([1, 2, 3, 4, 5, 6], 2, 3, 2);
    assertEquals([...m.macd], [N, N, 0.5, 0.5, 0.5, 0.5]);
    assertEquals([...m.signal], [N, N, N, 0.5, 0.5, 0.5]);
    assertEquals([...m.histogram], [N, N, N, 0, 0, 0]);
    const b = flox.indicators.bollinger([1, 2, 3, 4], 3, 2);
    const sd = Math.sqrt(2 / 3);
    assertEquals([...b.middle], [N, N, 2, 3]);
    assertAlmostEquals(b.upper[2], 2 + 2 * sd, 1e-12);
    assertAlmostEquals(b.lower[3], 3 - 2 * sd, 1e-12);
    const s = flox.indicators.stochastic({ high: [10, 11, 12, 13], low: [8, 9, 10, 9], close: [9, 10, 11, 10] }, 3, 2);
    assertEquals([...s.k], [N, N, 75, 25]); // 100*(11-8)/(12-8); 100*(10-9)/(13-9)
    assertEquals([...s.d], [N, N, N, 50]);
    const flat = flox.indicators.stochastic({ high: [5, 5], low: [5, 5], close: [5, 5] }, 2, 1);
    assertEquals([...flat.k], [N, 50]);
    assertEquals([...flox.indicators.vwap([10, 11, 12], [1, 3, 0], 2)], [N, 10.75, 11]);
    assertEquals([...flox.indicators.vwap([10, 11], [0, 0], 2)], [N, N]); // no volume
  });
});

describe("streaming equals batch, value for value", () => {
  const n = 20_000;
  const { close, high, low, qty } = walk(n);

  for (const p of [1, 2, 14, 50, 500]) {
    test(`SMA, EMA, RMA, RSI, VWAP, Bollinger with period ${p}`, () => {
      const sma = new flox.SMA(p), ema = new flox.EMA(p), rma = new flox.RMA(p), rsi = new flox.RSI(p);
      const vwap = new flox.RollingVWAP(p), bb = new flox.BollingerBands(p, 2.5);
      assertSameColumn(stream(n, (i) => sma.update(close[i])), flox.indicators.sma(close, p), "sma");
      assertSameColumn(stream(n, (i) => ema.update(close[i])), flox.indicators.ema(close, p), "ema");
      assertSameColumn(stream(n, (i) => rma.update(close[i])), flox.indicators.rma(close, p), "rma");
      assertSameColumn(stream(n, (i) => rsi.update(close[i])), flox.indicators.rsi(close, p), "rsi");
      assertSameColumn(stream(n, (i) => vwap.update(close[i], qty[i])), flox.indicators.vwap(close, qty, p), "vwap");
      const bands = flox.indicators.bollinger(close, p, 2.5);
      const up = new Float64Array(n), mid = new Float64Array(n), lo = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = bb.update(close[i]);
        up[i] = v?.upper ?? NaN, mid[i] = v?.middle ?? NaN, lo[i] = v?.lower ?? NaN;
      }
      assertSameColumn(up, bands.upper, "upper");
      assertSameColumn(mid, bands.middle, "middle");
      assertSameColumn(lo, bands.lower, "lower");
    });
  }

  test("ATR, Stochastic, MACD over bars", () => {
    for (const [p, d] of [[1, 1], [14, 3], [60, 7]]) {
      const atr = new flox.ATR(p), st = new flox.Stochastic(p, d);
      assertSameColumn(
        stream(n, (i) => atr.update(high[i], low[i], close[i])),
        flox.indicators.atr({ high, low, close }, p),
        "atr",
      );
      const cols = flox.indicators.stochastic({ high, low, close }, p, d);
      const k = new Float64Array(n), dd = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = st.update(high[i], low[i], close[i]);
        k[i] = v?.k ?? NaN, dd[i] = v?.d ?? NaN;
      }
      assertSameColumn(dd, cols.d, "stoch d");
      // The streaming class reports %K once %D is warm; the batch column starts kPeriod - 1 earlier.
      for (let i = p + d - 2; i < n; i++) assertStrictEquals(k[i], cols.k[i]);
    }
    const macd = new flox.MACD(12, 26, 9);
    const cols = flox.indicators.macd(close, 12, 26, 9);
    for (let i = 0; i < n; i++) {
      const v = macd.update(close[i]);
      if (i < 26 + 9 - 2) assertStrictEquals(v, null);
      else {
        assert(v !== null);
        assertStrictEquals(v.macd, cols.macd[i]);
        assertStrictEquals(v.signal, cols.signal[i]);
        assertStrictEquals(v.histogram, cols.histogram[i]);
      }
    }
  });

  test("stochastic HH/LL match a brute-force window scan", () => {
    const p = 9;
    const cols = flox.indicators.stochastic({ high, low, close }, p, 1);
    for (let i = p - 1; i < 3000; i++) {
      let hh = -Infinity, ll = Infinity;
      for (let j = i - p + 1; j <= i; j++) hh = Math.max(hh, high[j]), ll = Math.min(ll, low[j]);
      const k = hh === ll ? 50 : 100 * (close[i] - ll) / (hh - ll);
      assertStrictEquals(cols.k[i], k);
    }
  });

  test("SMA stays exact over a long run (re-summed when the ring wraps)", () => {
    const m = 200_000, p = 30;
    const x = new Float64Array(m);
    for (let i = 0; i < m; i++) x[i] = 1e6 + (i % 7) * 0.1;
    const out = flox.indicators.sma(x, p);
    let exact = 0;
    for (let j = m - p; j < m; j++) exact += x[j];
    assertAlmostEquals(out[m - 1], exact / p, 1e-9);
  });
});

describe("warm-up state, reset and errors", () => {
  test("ready, value and reset", () => {
    const ema = new flox.EMA(2);
    assert(!ema.ready);
    assertStrictEquals(ema.update(1), null);
    assertStrictEquals(ema.update(3), 2);
    assert(ema.ready);
    ema.reset();
    assertStrictEquals(ema.value, null);
    assertStrictEquals(ema.update(5), null);
    const bb = new flox.BollingerBands(2);
    bb.update(1);
    const first = bb.update(3);
    assertStrictEquals(bb.update(5), first); // the result object is reused
  });

  test("non-finite input and bad periods", () => {
    assertEquals(codeOf(() => new flox.SMA(0)), "INVALID_ARG");
    assertEquals(codeOf(() => new flox.EMA(1.5)), "INVALID_ARG");
    assertEquals(codeOf(() => new flox.MACD(26, 12, 9)), "INVALID_ARG");
    assertEquals(codeOf(() => new flox.SMA(3).update(NaN)), "BAD_PRICE");
    assertEquals(codeOf(() => new flox.ATR(3).update(1, 2, 1.5)), "BAD_PRICE");
    assertEquals(codeOf(() => new flox.RollingVWAP(3).update(1, -1)), "BAD_QUANTITY");
    assertThrows(() => flox.indicators.sma([1, 2, NaN, 4], 2), flox.FloxError, "values[2] is nan");
    assertThrows(() => flox.indicators.atr({ high: [2, 1], low: [1, 2], close: [1, 1] }, 1), flox.FloxError, "high[1]");
    assertThrows(() => flox.indicators.vwap([1, 2], [1, -1], 1), flox.FloxError, "qty[1]");
    assertThrows(() => flox.indicators.atr({ high: [2], low: [1, 1], close: [1] }, 1), flox.FloxError, "low has 2");
    assertEquals(codeOf(() => flox.indicators.ema([1], 0)), "INVALID_ARG");
    assertEquals(codeOf(() => flox.indicators.macd([1], 3, 2, 1)), "INVALID_ARG");
    assertEquals(flox.indicators.sma(new Float64Array(0), 3).length, 0);
  });
});
