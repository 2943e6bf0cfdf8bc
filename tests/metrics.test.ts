// metrics.* against published known answers of empyrical (Quantopian's returns-statistics library).
//
// Source: github.com/quantopian/empyrical, file empyrical/tests/test_stats.py, at commit
// 0a9fa5848a3ed519be0f514df9e3a04fb7b37ad3 (class TestStats; values asserted there to 8 decimals).
// Where empyrical's definitions coincide with ours:
//  - sharpe_ratio = mean(r) / std(r, ddof=1) * sqrt(annualization); ours is the same. Default
//    annualization for daily data is 252, passed here as periodsPerYear.
//  - sortino_ratio = mean(r) * ann / (sqrt(mean(min(r, 0)^2)) * sqrt(ann)) (required_return 0), which
//    equals ours, mean / sqrt(mean(min(r,0)^2)) * sqrt(ann). Both give +inf with no negative return.
//  - max_drawdown is a negative fraction of the peak, computed on cumulative returns starting at 100
//    (the start counts as the first peak); ours is the positive percent: 100 * -max_drawdown.
//  - calmar_ratio = annual_return / |max_drawdown| with annual_return = cum_final^(ann / n) - 1: ours.
//  - downside_risk = sqrt(mean(min(r,0)^2)) * sqrt(ann); ours (downsideDeviation) is not annualised.
// Differences that decide which fixtures apply:
//  - `mixed_returns` there begins with NaN. empyrical's nan-aware mean/std skip it for sharpe and
//    sortino, so those expected values are for the other 8 returns, which is what we pass (we reject
//    NaN). Its annual return and calmar count the NaN as a period with return 0 (n = 9), which is
//    exactly the array `weekly_returns` = [0, 1, 10, -4, 2, 3, 2, 1, -10] / 100, so we check the
//    daily/weekly/monthly calmar values on that array with periodsPerYear 252/52/12.
//  - Its sortino values for `weekly_returns` (WEEKLY, 52) and `monthly_returns` (MONTHLY, 12) are
//    1.1158901056866439 and 0.53605626741889756; both follow from the formula above and are checked.
import { describe, test } from "node:test";
import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { FloxError, metrics } from "../mod.ts";

const positive = [1, 2, 1, 1, 1, 1, 1, 1, 1].map((x) => x / 100); // positive_returns
const negative = [0, -6, -7, -1, -9, -2, -6, -8, -5].map((x) => x / 100); // negative_returns
const mixed8 = [1, 10, -4, 2, 3, 2, 1, -10].map((x) => x / 100); // mixed_returns without its NaN
const weekly = [0, 1, 10, -4, 2, 3, 2, 1, -10].map((x) => x / 100); // weekly_returns / monthly_returns

const close = (actual: number, expected: number) => assertAlmostEquals(actual, expected, 1e-8);

describe("metrics vs empyrical test_stats.py", () => {
  test("sharpe_ratio (risk_free 0, daily)", () => {
    close(metrics.sharpe(positive, { periodsPerYear: 252 }), 52.915026221291804);
    close(metrics.sharpe(negative, { periodsPerYear: 252 }), -24.406808633910085);
    close(metrics.sharpe(mixed8, { periodsPerYear: 252 }), 1.7238613961706866);
    close(metrics.sharpe(mixed8), 1.7238613961706866); // default periodsPerYear is 252
  });

  test("sortino_ratio (required_return 0, daily)", () => {
    close(metrics.sortino(mixed8, { periodsPerYear: 252 }), 2.605531251673693);
    close(metrics.sortino(negative, { periodsPerYear: 252 }), -13.532743075043401);
    assertEquals(metrics.sortino(positive), Infinity);
  });

  test("sortino_ratio (required_return 0, weekly and monthly)", () => {
    close(metrics.sortino(weekly, { periodsPerYear: 52 }), 1.1158901056866439);
    close(metrics.sortino(weekly, { periodsPerYear: 12 }), 0.53605626741889756);
  });

  test("max_drawdown (as a positive percent)", () => {
    const pct = (r: number[]) => metrics.fromReturns(r).maxDrawdownPct;
    close(pct(mixed8), 10); // empyrical: -0.1
    close(pct(negative), 36.590730349873601); // empyrical: -0.36590730349873601
    close(pct([10, -10, 10].map((x) => x / 100)), 10); // empyrical: -0.10
    assertEquals(pct(positive), 0); // empyrical: -0.0
    assertEquals(pct([0, 1, 0, 1, 0, 1, 0, 1, 0].map((x) => x / 100)), 0); // simple_benchmark: 0.0
  });

  test("annual_return and calmar_ratio (daily, weekly, monthly)", () => {
    close(metrics.fromReturns(weekly, { periodsPerYear: 252 }).annualReturn, 1.9135925373194231);
    close(metrics.fromReturns(weekly, { periodsPerYear: 52 }).annualReturn, 0.24690830513998208);
    close(metrics.fromReturns(weekly, { periodsPerYear: 12 }).annualReturn, 0.052242061386048144);
    assertAlmostEquals(metrics.calmar(weekly, { periodsPerYear: 252 }), 19.135925373194233, 1e-7);
    close(metrics.calmar(weekly, { periodsPerYear: 52 }), 2.4690830513998208);
    close(metrics.calmar(weekly, { periodsPerYear: 12 }), 0.52242061386048144);
  });

  test("downside_risk (annualised here to compare)", () => {
    const dd = (r: number[], ppy: number) => metrics.fromReturns(r, { periodsPerYear: ppy }).downsideDeviation;
    close(dd(mixed8, 252) * Math.sqrt(252), 0.60448325038829653);
    close(dd(weekly, 52) * Math.sqrt(52), 0.25888650451930134);
    close(dd(weekly, 12) * Math.sqrt(12), 0.1243650540411842);
  });

  test("cum_returns_final", () => {
    // empyrical: mixed_returns -> 0.03893 and negative_returns -> -0.36590 (4 decimals).
    assertAlmostEquals(metrics.fromReturns(weekly).totalReturn, 0.03893, 1e-4);
    assertAlmostEquals(metrics.fromReturns(negative).totalReturn, -0.36590, 1e-4);
  });
});

describe("metrics: our own edge rules (spec/engine.md section 4)", () => {
  test("constant returns have std 0, so sharpe is 0; fewer than 2 returns give 0", () => {
    assertEquals(metrics.sharpe(new Array(9).fill(0.01)), 0);
    assertEquals(metrics.sharpe([0.05]), 0);
    assertEquals(metrics.sortino([0.05]), 0);
    assertEquals(metrics.calmar([]), 0);
  });

  test("drawdown of an equity series, returnsFromEquity", () => {
    // [100, 110, 99, 105, 120, 90]: worst fall 120 -> 90 = 30 (25%).
    assertEquals(metrics.maxDrawdown([100, 110, 99, 105, 120, 90]), 30);
    assertEquals(metrics.maxDrawdownPct([100, 110, 99, 105, 120, 90]), 25);
    // The largest percent fall need not be the largest money fall: 100 -> 50 is 50%, 200 -> 150 is 25%.
    assertEquals(metrics.maxDrawdownPct(Float64Array.from([100, 50, 200, 150])), 50);
    assertEquals(Array.from(metrics.returnsFromEquity([100, 110, 99])), [110 / 100 - 1, 99 / 110 - 1]);
    assertEquals(metrics.returnsFromEquity([5]).length, 0);
  });

  test("bad input is a FloxError naming the index", () => {
    const e = assertThrows(() => metrics.sharpe([0.1, NaN, 0.2]), FloxError, "metrics.sharpe: returns[1] is nan");
    assertEquals(e.codeName, "INVALID_ARG");
    assertThrows(() => metrics.sharpe([0.1, 0.2], { periodsPerYear: -1 }), FloxError, "periodsPerYear is -1");
    assertThrows(() => metrics.maxDrawdown([0, 1]), FloxError, "metrics.maxDrawdown: equity[0] is 0");
  });
});
