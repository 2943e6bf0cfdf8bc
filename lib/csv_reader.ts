// CsvTradeReader: reads a trade or bar CSV file in chunks into typed columns (parsing in C,
// cabi/src/csv.c). Formats are detected from the first line; see CsvFormat.
import { OwnedHandle } from "./ffi/handle.ts";
import { csvDestroy, csvFormat, csvOpen, csvRead } from "./ffi/csv_native.ts";

/** Layouts the reader understands (detected from the first line). */
export type CsvFormat = "trades" | "binance_trades" | "bars" | "binance_klines";
const FORMATS: Record<number, CsvFormat> = { 1: "trades", 2: "binance_trades", 3: "bars", 4: "binance_klines" };

/** One chunk of rows. The arrays are the reader's buffers, overwritten by the next read. */
export interface CsvChunk {
  /** ns since the epoch (normalised by magnitude from s/ms/us/ns or ISO 8601). */
  tsNs: BigInt64Array;
  price: Float64Array;
  /** 0 for bar files without a volume column. */
  qty: Float64Array;
  /** 0 buy aggressor, 1 sell. */
  side: Uint8Array;
  length: number;
}

/**
 * Streams rows of a CSV file. Errors are FloxError with "path:line: what" (PARSE, BAD_PRICE,
 * BAD_QUANTITY, BAD_SIDE, UNSORTED), or NOT_FOUND / IO / FORMAT / NO_DATA when opening.
 */
export class CsvTradeReader {
  readonly path: string;
  readonly format: CsvFormat;
  readonly #handle: OwnedHandle;
  readonly #chunk: CsvChunk;
  readonly #count = new BigInt64Array(1);

  constructor(path: string, chunkRows = 65536) {
    this.path = path;
    const raw = csvOpen("BacktestRunner.runCsv", path);
    this.#handle = new OwnedHandle(raw, csvDestroy, "CSV reader");
    this.format = FORMATS[csvFormat(raw)];
    this.#chunk = {
      tsNs: new BigInt64Array(chunkRows),
      price: new Float64Array(chunkRows),
      qty: new Float64Array(chunkRows),
      side: new Uint8Array(chunkRows),
      length: 0,
    };
  }

  /** The next rows (up to the chunk size), or null at the end of the file. */
  read(): CsvChunk | null {
    const h = this.#handle.get("CsvTradeReader.read");
    const c = this.#chunk;
    csvRead("BacktestRunner.runCsv", h, c.tsNs, c.price, c.qty, c.side, c.price.length, this.#count);
    c.length = Number(this.#count[0]);
    return c.length === 0 ? null : c;
  }

  close(): void {
    this.#handle.close();
  }
  [Symbol.dispose](): void {
    this.close();
  }
}
