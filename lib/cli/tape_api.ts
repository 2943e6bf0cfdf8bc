// The tape library functions the `flox tape` commands use, loaded on first use so that help and
// usage errors never need the native library.
import { FloxError } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";

export interface TradeRow {
  tsNs: bigint;
  symbolId: number;
  price: number;
  qty: number;
  side: number;
}

export interface TapeInfo {
  tradeCount: number;
  bookUpdateCount: number;
  firstTsNs: bigint | null;
  lastTsNs: bigint | null;
  symbols: number[];
  segments: { path: string; bytes: number; events: number; compressed: boolean; indexed: boolean; sorted: boolean }[];
  exchange?: string;
  symbolNames?: Record<number, string>;
  damaged: { segment: string; reason: string; bytesSkipped: number }[];
}

export interface TapeDiff {
  equal: boolean;
  firstDivergenceIndex: number;
  mismatchCount: number;
  mismatches: {
    index: number;
    kind: "field" | "missing_left" | "missing_right";
    left: TradeRow | null;
    right: TradeRow | null;
    fields: string[];
  }[];
  leftCount: number;
  rightCount: number;
  toJSON(): unknown;
}

export interface TapeApi {
  inspectTape(dir: string): TapeInfo;
  replayTape(dir: string, handlers: {
    onTrade?: (tsNs: bigint, symbolId: number, price: number, qty: number, side: number) => void;
    maxEvents?: number;
  }): number;
  tapeDiff(
    left: string,
    right: string,
    options?: { maxMismatches?: number; fieldToleranceNs?: number | bigint },
  ): TapeDiff;
}

/** Loads the tape functions from mod.ts; a clear error when this build has none. */
export async function loadTapeApi(): Promise<TapeApi> {
  const mod = await import("../../mod.ts") as unknown as Partial<TapeApi>;
  for (const name of ["inspectTape", "replayTape", "tapeDiff"] as const) {
    if (typeof mod[name] !== "function") {
      throw new FloxError(FloxStatus.UNSUPPORTED, `the tape library (${name}) is not part of this build`);
    }
  }
  return mod as TapeApi;
}
