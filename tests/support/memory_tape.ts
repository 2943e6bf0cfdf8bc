// An in-memory stand-in for a tape directory, shaped like the TapeRecorder contract, for testing the
// live and backfill logic independently of the on-disk writer.
import type { RecorderStats, TapeRecorderLike } from "../../lib/live/recorder_types.ts";
import type { ExistingTape } from "../../lib/live/backfill.ts";
import type { RecorderFactoryOptions } from "../../lib/live/record_session.ts";
import { toRaw } from "../../lib/live/backfill.ts";

export interface MemTrade {
  tsNs: bigint;
  symbolId: number;
  price: number;
  qty: number;
  side: number;
}

export class MemoryTapes {
  readonly trades = new Map<string, MemTrade[]>();
  readonly bookCounts = new Map<string, number>();
  readonly meta = new Map<string, { exchange?: string; symbols: Record<number, string> }>();

  makeRecorder = (dir: string, o: RecorderFactoryOptions): TapeRecorderLike => {
    const rows = this.trades.get(dir) ?? [];
    this.trades.set(dir, rows);
    this.meta.set(dir, { exchange: o.exchange, symbols: { ...(o.symbols ?? {}) } });
    const stats: RecorderStats = {
      tradesWritten: 0,
      bookUpdatesWritten: 0,
      bytesWritten: 0,
      segmentsCreated: 1,
      errors: 0,
    };
    return {
      recordTrade(symbol, price, qty, isBuy, tsNs) {
        rows.push({ tsNs, symbolId: symbol, price, qty, side: isBuy ? 0 : 1 });
        stats.tradesWritten++;
      },
      recordTrades(c) {
        for (let i = 0; i < c.tsNs.length; i++) {
          rows.push({ tsNs: c.tsNs[i], symbolId: c.symbolId[i], price: c.price[i], qty: c.qty[i], side: c.side[i] });
        }
        stats.tradesWritten += c.tsNs.length;
      },
      recordBook: () => {
        stats.bookUpdatesWritten++;
        this.bookCounts.set(dir, (this.bookCounts.get(dir) ?? 0) + 1);
      },
      flush() {},
      close() {},
      stats: () => ({ ...stats }),
    };
  };

  readExisting = (dir: string, symbolName: string): ExistingTape | null => {
    const m = this.meta.get(dir);
    if (!m) return null;
    const id = Number(Object.keys(m.symbols).find((k) => m.symbols[Number(k)] === symbolName) ?? 0);
    const rows = (this.trades.get(dir) ?? []).filter((r) => r.symbolId === id);
    if (rows.length === 0) return { exchange: m.exchange, symbols: m.symbols, lastTsNs: null, rowsAtLastTs: [] };
    const last = rows.reduce((a, r) => (r.tsNs > a ? r.tsNs : a), rows[0].tsNs);
    return {
      exchange: m.exchange,
      symbols: m.symbols,
      lastTsNs: last,
      rowsAtLastTs: rows.filter((r) => r.tsNs === last).map((r) => ({
        priceRaw: toRaw(r.price),
        qtyRaw: toRaw(r.qty),
        side: r.side,
      })),
    };
  };
}
