// The FLOX tape "Runnable example" in TypeScript: record synthetic trades through a Runner with a
// tape recorder attached, then inspect and replay the tape and check that every event comes back
// exactly (prices and quantities are stored x1e8, so values with <= 8 decimals are identical).
// No exchange and no ccxt needed; the temporary tape is removed at the end.
//
//   deno run -A examples/tape_roundtrip.ts
//   bun run examples/tape_roundtrip.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as flox from "../mod.ts";

/** A trade as fed to the runner: price, quantity, buyer-initiated, exchange time in ns. */
export type SyntheticTrade = readonly [price: number, qty: number, isBuy: boolean, tsNs: bigint];

/** The seed's three trades. */
export const SEED_TRADES: readonly SyntheticTrade[] = [
  [101.5, 0.5, true, 1_000_000_000n],
  [101.55, 0.3, false, 1_500_000_000n],
  [101.6, 1.2, true, 2_000_000_000n],
];

export interface RoundTrip {
  recorderStats: flox.RecorderStats;
  info: flox.TapeInfo;
  replayed: number;
  /** What replayTape delivered, in order. */
  seen: { tsNs: bigint; symbolId: number; price: number; qty: number; side: number }[];
}

/** Records `trades`, replays them and throws unless every event round-trips exactly. */
export function tapeRoundTrip(trades: readonly SyntheticTrade[] = SEED_TRADES): RoundTrip {
  // A recorder that saw nothing leaves no segment, and replayTape refuses a tape without segments.
  if (trades.length === 0) throw new RangeError("tapeRoundTrip needs at least one trade");
  const out = mkdtempSync(join(tmpdir(), "flox-tape-example-"));
  try {
    const registry = new flox.SymbolRegistry();
    const sym = registry.addSymbol("example", "BTCUSDT", { tickSize: 0.01 });

    const recorder = flox.makeRecorderHook(out, { maxSegmentMb: 64 });
    const runner = new flox.Runner(registry, () => {});
    try {
      runner.setMarketDataRecorder(recorder);
      runner.start();
      for (const [price, qty, isBuy, tsNs] of trades) runner.onTrade(sym, price, qty, isBuy, tsNs);
      runner.stop();
    } finally {
      runner.close();
      recorder.close();
    }
    const recorderStats = recorder.stats();

    const info = flox.inspectTape(out);
    const seen: RoundTrip["seen"] = [];
    const replayed = flox.replayTape(out, {
      onTrade: (tsNs, symbolId, price, qty, side) => seen.push({ tsNs, symbolId, price, qty, side }),
    });

    const problems: string[] = [];
    if (recorderStats.tradesWritten !== trades.length) {
      problems.push(`recorder wrote ${recorderStats.tradesWritten} trades, expected ${trades.length}`);
    }
    if (info.tradeCount !== trades.length) problems.push(`tape holds ${info.tradeCount} trades`);
    if (replayed !== trades.length || seen.length !== trades.length) problems.push(`replayed ${replayed} trades`);
    if (info.firstTsNs !== trades[0][3] || info.lastTsNs !== trades[trades.length - 1][3]) {
      problems.push(`first/last ts ${info.firstTsNs}/${info.lastTsNs}`);
    }
    seen.forEach((e, i) => {
      const [price, qty, isBuy, tsNs] = trades[i] ?? [NaN, NaN, false, -1n];
      if (
        e.tsNs !== tsNs || e.symbolId !== sym.id || e.price !== price || e.qty !== qty || e.side !== (isBuy ? 0 : 1)
      ) {
        problems.push(`event ${i}: got ${JSON.stringify({ ...e, tsNs: String(e.tsNs) })}, sent ${trades[i]}`);
      }
    });
    if (problems.length > 0) throw new Error(`tape round-trip failed: ${problems.slice(0, 5).join("; ")}`);
    return { recorderStats, info, replayed, seen };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { recorderStats, info, replayed } = tapeRoundTrip();
  console.log("recorder:", recorderStats);
  console.log(`recorded: trades=${info.tradeCount} first_ts=${info.firstTsNs} last_ts=${info.lastTsNs}`);
  console.log(`replayed ${replayed} trades`);
  console.log("round-trip OK");
}
