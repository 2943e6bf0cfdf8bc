// A plain-TypeScript .floxlog v1 codec over DataView, for uncompressed segments: the baseline the
// tape benchmark compares the native library against, and an independent decoder the tests use
// to check the native writer's bytes against the spec (spec/floxlog-v1.md sections 2.1-2.4, 2.10).
//
// It is written to be reasonably fast (no per-frame allocation: 64-bit fields are read as two
// 32-bit halves; whole segment files are read at once), so that the ratio it yields is honest.
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";

export const SEGMENT_MAGIC = 0x584f4c46; // "FLOX"
export const INDEX_MAGIC = 0x58444e49; // "INDX"
export const HEADER_BYTES = 64;
export const FRAME_HEADER_BYTES = 12;
export const TRADE_BYTES = 48;
export const FLAG_HAS_INDEX = 0x01;
export const FLAG_COMPRESSED = 0x02;
export const FLAG_SORTED = 0x08;
export const FRAME_TRADE = 1;
const MAX_FRAME = 10 * 1024 * 1024;
const SCALE = 1e8;
const TWO_32 = 4294967296;

// ---------------------------------------------------------------------------------------------
// CRC-32 (ISO-HDLC, as zlib), table-driven, one byte at a time.

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = -1;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface DataViewTrades {
  tsNs: BigInt64Array;
  symbolId: Uint32Array;
  price: Float64Array;
  qty: Float64Array;
  side: Uint8Array;
  length: number;
  /** Segments that ended early (torn tail, bad CRC, oversized frame) and why. */
  damaged: { segment: string; reason: string }[];
  /** Segments skipped because they are compressed (this reader does not decode LZ4). */
  skippedCompressed: string[];
}

/** The `*.floxlog` files of a tape directory in replay order (lexicographic, top level only). */
export function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".floxlog") && statSync(join(dir, name)).isFile())
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Reads every trade of a tape's uncompressed segments into columns: segments in name order,
 * each segment without the Sorted flag put in stable timestamp order (as FLOX's reader does).
 */
export function readTradesDataView(dir: string, options: { verifyCrc?: boolean } = {}): DataViewTrades {
  const verifyCrc = options.verifyCrc ?? true;
  const files = segmentFiles(dir);
  let capacity = 1024;
  for (const f of files) capacity += Math.ceil(statSync(f).size / (FRAME_HEADER_BYTES + TRADE_BYTES));
  const out = allocate(capacity);
  const ts32 = new Int32Array(out.tsNs.buffer);
  const damaged: DataViewTrades["damaged"] = [];
  const skippedCompressed: string[] = [];
  let n = 0;

  for (const file of files) {
    // A plain Uint8Array view: indexing a Node Buffer subclass is much slower under Deno.
    const contents = readFileSync(file);
    const bytes = new Uint8Array(contents.buffer, contents.byteOffset, contents.byteLength);
    if (bytes.length < HEADER_BYTES) continue;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== SEGMENT_MAGIC || view.getUint16(4, true) !== 1) continue;
    const flags = view.getUint8(6);
    if ((flags & FLAG_COMPRESSED) !== 0 || view.getUint8(48) !== 0) {
      skippedCompressed.push(file);
      continue;
    }
    const indexOffset = Number(view.getBigUint64(40, true));
    const end = (flags & FLAG_HAS_INDEX) !== 0 && indexOffset > 0 ? Math.min(indexOffset, bytes.length) : bytes.length;
    const segmentStart = n;
    let p = HEADER_BYTES;
    while (p < end) {
      if (p + FRAME_HEADER_BYTES > end) {
        damaged.push({ segment: file, reason: `torn frame header at offset ${p}` });
        break;
      }
      const size = view.getUint32(p, true);
      const type = bytes[p + 8];
      const payload = p + FRAME_HEADER_BYTES;
      if (size > MAX_FRAME || payload + size > end) {
        damaged.push({ segment: file, reason: `frame at offset ${p} runs past the end (size ${size})` });
        break;
      }
      if (verifyCrc && crc32(bytes, payload, payload + size) !== view.getUint32(p + 4, true)) {
        damaged.push({ segment: file, reason: `CRC mismatch in the frame at offset ${p}` });
        break;
      }
      if (type === FRAME_TRADE && size >= TRADE_BYTES) {
        ts32[2 * n] = view.getInt32(payload, true);
        ts32[2 * n + 1] = view.getInt32(payload + 4, true);
        out.price[n] = (view.getInt32(payload + 20, true) * TWO_32 + view.getUint32(payload + 16, true)) / SCALE;
        out.qty[n] = (view.getInt32(payload + 28, true) * TWO_32 + view.getUint32(payload + 24, true)) / SCALE;
        out.symbolId[n] = view.getUint32(payload + 40, true);
        out.side[n] = bytes[payload + 44];
        n++;
      }
      p = payload + size;
    }
    if ((flags & FLAG_SORTED) === 0) sortRange(out, ts32, segmentStart, n);
  }
  return {
    tsNs: out.tsNs.subarray(0, n),
    symbolId: out.symbolId.subarray(0, n),
    price: out.price.subarray(0, n),
    qty: out.qty.subarray(0, n),
    side: out.side.subarray(0, n),
    length: n,
    damaged,
    skippedCompressed,
  };
}

type Columns = Omit<DataViewTrades, "length" | "damaged" | "skippedCompressed">;

function allocate(capacity: number): Columns {
  return {
    tsNs: new BigInt64Array(capacity),
    symbolId: new Uint32Array(capacity),
    price: new Float64Array(capacity),
    qty: new Float64Array(capacity),
    side: new Uint8Array(capacity),
  };
}

/** Stable sort of rows [from, to) by timestamp; a no-op scan when they are already in order. */
function sortRange(c: Columns, ts32: Int32Array, from: number, to: number): void {
  let sorted = true;
  for (let i = from + 1; i < to && sorted; i++) sorted = compareTs(ts32, i - 1, i) <= 0;
  if (sorted) return;
  const order = Array.from({ length: to - from }, (_, k) => from + k);
  order.sort((a, b) => compareTs(ts32, a, b) || a - b);
  const copy = {
    ts: c.tsNs.slice(from, to),
    sym: c.symbolId.slice(from, to),
    price: c.price.slice(from, to),
    qty: c.qty.slice(from, to),
    side: c.side.slice(from, to),
  };
  for (let k = 0; k < order.length; k++) {
    const src = order[k] - from;
    c.tsNs[from + k] = copy.ts[src];
    c.symbolId[from + k] = copy.sym[src];
    c.price[from + k] = copy.price[src];
    c.qty[from + k] = copy.qty[src];
    c.side[from + k] = copy.side[src];
  }
}

function compareTs(ts32: Int32Array, a: number, b: number): number {
  const hi = ts32[2 * a + 1] - ts32[2 * b + 1];
  if (hi !== 0) return hi;
  return (ts32[2 * a] >>> 0) - (ts32[2 * b] >>> 0);
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface TradeColumnsIn {
  tsNs: BigInt64Array;
  symbolId: Uint32Array;
  price: Float64Array;
  qty: Float64Array;
  side: Uint8Array;
}

/**
 * Writes trades as uncompressed segments the way FLOX's writer does: 64-byte header patched at
 * close, CRC'd frames, an index entry every `indexInterval` frames, rotation before a frame that
 * would pass `maxSegmentBytes`. Segment names are 19-digit increasing numbers.
 */
export function writeTradesDataView(
  dir: string,
  cols: TradeColumnsIn,
  options: { maxSegmentBytes?: number; indexInterval?: number; firstName?: bigint } = {},
): { bytes: number; segments: number } {
  const maxSegmentBytes = options.maxSegmentBytes ?? 256 * 1024 * 1024;
  const interval = options.indexInterval ?? 1000;
  const frameBytes = FRAME_HEADER_BYTES + TRADE_BYTES;
  const count = cols.tsNs.length;
  const ts32 = new Int32Array(cols.tsNs.buffer, cols.tsNs.byteOffset, count * 2);
  let name = options.firstName ?? 1_000_000_000_000_000_000n;
  let written = 0;
  let segments = 0;
  let i = 0;
  while (i < count) {
    // Frames in this segment: as many as fit under maxSegmentBytes (at least one).
    const fit = Math.max(1, Math.floor((maxSegmentBytes - HEADER_BYTES) / frameBytes));
    const m = Math.min(fit, count - i);
    const entries = Math.ceil(m / interval);
    const indexOffset = HEADER_BYTES + m * frameBytes;
    const total = indexOffset + 32 + 16 * entries;
    const buf = new Uint8Array(total);
    const view = new DataView(buf.buffer);
    const entryBase = indexOffset + 32;
    for (let k = 0; k < m; k++, i++) {
      const p = HEADER_BYTES + k * frameBytes;
      const q = p + FRAME_HEADER_BYTES;
      view.setUint32(p, TRADE_BYTES, true);
      buf[p + 8] = FRAME_TRADE;
      buf[p + 9] = 1; // rec_version
      view.setInt32(q, ts32[2 * i], true);
      view.setInt32(q + 4, ts32[2 * i + 1], true);
      setRaw(view, q + 16, cols.price[i]);
      setRaw(view, q + 24, cols.qty[i]);
      view.setUint32(q + 40, cols.symbolId[i], true);
      buf[q + 44] = cols.side[i];
      view.setUint32(p + 4, crc32(buf, q, q + TRADE_BYTES), true);
      if (k % interval === 0) {
        const e = entryBase + 16 * (k / interval);
        view.setInt32(e, ts32[2 * i], true);
        view.setInt32(e + 4, ts32[2 * i + 1], true);
        view.setUint32(e + 8, p, true);
      }
    }
    const first = i - m;
    view.setUint32(indexOffset, INDEX_MAGIC, true);
    view.setUint16(indexOffset + 4, 1, true);
    view.setUint16(indexOffset + 6, interval, true);
    view.setUint32(indexOffset + 8, entries, true);
    view.setUint32(indexOffset + 12, crc32(buf, entryBase, total), true);
    view.setBigInt64(indexOffset + 16, cols.tsNs[first], true);
    view.setBigInt64(indexOffset + 24, cols.tsNs[first + (entries - 1) * interval], true);
    view.setUint32(0, SEGMENT_MAGIC, true);
    view.setUint16(4, 1, true);
    buf[6] = FLAG_HAS_INDEX;
    view.setBigInt64(8, name, true);
    view.setBigInt64(16, cols.tsNs[first], true);
    view.setBigInt64(24, cols.tsNs[i - 1], true);
    view.setUint32(32, m, true);
    view.setBigUint64(40, BigInt(indexOffset), true);
    writeWhole(join(dir, `${name}.floxlog`), buf);
    written += m * frameBytes;
    segments++;
    name++;
  }
  return { bytes: written, segments };
}

/** Fixed point x1e8, rounded half away from zero (as FLOX), as two 32-bit halves. */
function setRaw(view: DataView, offset: number, value: number): void {
  const scaled = value * SCALE;
  const raw = scaled < 0 ? Math.ceil(scaled - 0.5) : Math.floor(scaled + 0.5);
  const hi = Math.floor(raw / TWO_32);
  view.setUint32(offset, raw - hi * TWO_32, true);
  view.setInt32(offset + 4, hi, true);
}

function writeWhole(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, "w");
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, Math.min(1 << 24, bytes.length - offset));
  } finally {
    closeSync(fd);
  }
}
