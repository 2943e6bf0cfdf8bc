// The tape functions live recording and backfill need, loaded from mod.ts on first use (as the CLI's
// other tape commands do), so that this module and its callers load even in a build whose tape
// library is missing, and fail with a clear FloxError only when a tape is actually touched.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FloxError } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";
import { type ExistingTape, toRaw } from "./backfill.ts";
import type { RecorderFactoryOptions } from "./record_session.ts";
import type { TapeRecorderLike } from "./recorder_types.ts";

interface TradeChunk {
  tsNs: BigInt64Array;
  symbolId: Uint32Array;
  price: Float64Array;
  qty: Float64Array;
  side: Uint8Array;
  length: number;
}

interface TapeModule {
  makeRecorderHook(dir: string, options?: RecorderFactoryOptions): TapeRecorderLike;
  inspectTape(dir: string): { exchange?: string; symbolNames?: Record<number, string> };
  openTape(dir: string): { readTradeChunk(cap?: number): TradeChunk | null; close(): void };
}

async function tapeModule(): Promise<TapeModule> {
  const mod = await import("../../mod.ts") as unknown as Partial<TapeModule>;
  for (const name of ["makeRecorderHook", "inspectTape", "openTape"] as const) {
    if (typeof mod[name] !== "function") {
      throw new FloxError(FloxStatus.UNSUPPORTED, `the tape library (${name}) is not part of this build`);
    }
  }
  return mod as TapeModule;
}

/** makeRecorderHook from the tape library. */
export async function loadRecorderFactory(): Promise<(dir: string, o: RecorderFactoryOptions) => TapeRecorderLike> {
  const mod = await tapeModule();
  return (dir, o) => mod.makeRecorderHook(dir, o);
}

/**
 * What `dir` already holds for `symbolName` (for resuming a backfill): the tape's exchange and
 * symbols, the symbol's last trade timestamp and the trades at exactly that timestamp. Streams the
 * trades in chunks, so memory stays bounded on large tapes. Null when `dir` holds no tape yet.
 */
export async function readExistingTape(dir: string, symbolName: string): Promise<ExistingTape | null> {
  if (!existsSync(dir)) return null;
  const hasSegments = readdirSync(dir).some((f) => f.endsWith(".floxlog"));
  const hasMetadata = existsSync(join(dir, "metadata.json"));
  if (!hasSegments && !hasMetadata) return null;
  const mod = await tapeModule();
  let exchange: string | undefined;
  let symbols: Record<number, string> = {};
  if (hasSegments) {
    const info = mod.inspectTape(dir);
    exchange = info.exchange;
    symbols = { ...(info.symbolNames ?? {}) };
  } else {
    const meta = JSON.parse(readFileSync(join(dir, "metadata.json"), "utf8")) as {
      exchange?: string;
      symbols?: { symbol_id: number; name: string }[];
    };
    exchange = meta.exchange || undefined;
    for (const s of meta.symbols ?? []) symbols[s.symbol_id] = s.name;
  }
  const id = Number(Object.keys(symbols).find((k) => symbols[Number(k)] === symbolName) ?? 0);
  const result: ExistingTape = { exchange, symbols, lastTsNs: null, rowsAtLastTs: [] };
  if (id === 0 || !hasSegments) return result;
  const reader = mod.openTape(dir);
  try {
    for (let chunk = reader.readTradeChunk(); chunk !== null; chunk = reader.readTradeChunk()) {
      for (let i = 0; i < chunk.length; i++) {
        if (chunk.symbolId[i] !== id) continue;
        const ts = chunk.tsNs[i];
        if (result.lastTsNs === null || ts > result.lastTsNs) {
          result.lastTsNs = ts;
          result.rowsAtLastTs = [];
        }
        if (ts === result.lastTsNs) {
          result.rowsAtLastTs.push({
            priceRaw: toRaw(chunk.price[i]),
            qtyRaw: toRaw(chunk.qty[i]),
            side: chunk.side[i],
          });
        }
      }
    }
  } finally {
    reader.close();
  }
  return result;
}
