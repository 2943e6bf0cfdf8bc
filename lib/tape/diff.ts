// tapeDiff: trade-by-trade comparison of two tapes in the C engine (FLOX's diffTapes semantics, plus
// the total mismatch count and unmatched tail rows).
import { invalidArgument } from "../errors.ts";
import { DIFF_ROW_WIDTH, DiffField, diffRun, FieldBit, MismatchKind } from "../ffi/tape_native.ts";
import { pathArg } from "./args.ts";
import { segmentBytes } from "./progress.ts";
import type { TapeDiff, TapeMismatch, TradeRow } from "./types.ts";

const FIELD_NAMES: [number, string][] = [
  [FieldBit.TS, "exchangeTsNs"],
  [FieldBit.SYMBOL, "symbolId"],
  [FieldBit.PRICE, "priceRaw"],
  [FieldBit.QTY, "qtyRaw"],
  [FieldBit.SIDE, "side"],
];

function rowAt(rows: BigInt64Array, at: number): TradeRow | null {
  if (rows[at] === 0n) return null;
  return {
    exchangeTsNs: rows[at + 1],
    symbolId: Number(rows[at + 2]),
    priceRaw: rows[at + 3],
    qtyRaw: rows[at + 4],
    side: Number(rows[at + 5]),
  };
}

function rowJson(r: TradeRow | null): unknown {
  return r === null ? null : {
    exchange_ts_ns: r.exchangeTsNs.toString(),
    price_raw: r.priceRaw.toString(),
    qty_raw: r.qtyRaw.toString(),
    side: r.side,
    symbol_id: r.symbolId,
  };
}

/**
 * Compares the trades of two tapes in delivery order on exchange ts (within fieldToleranceNs; negative
 * makes every pair differ), symbol, raw price, raw quantity and side. Empty tapes are allowed; a
 * missing path or a file throws FloxError naming it.
 */
export function tapeDiff(
  left: string,
  right: string,
  options?: {
    maxMismatches?: number;
    fieldToleranceNs?: number | bigint;
    /** Called between native steps with the bytes of both tapes passed so far and their total. */
    onProgress?: (done: number, total: number) => void;
  },
): TapeDiff {
  const op = "tapeDiff";
  pathArg(op, "left", left);
  pathArg(op, "right", right);
  const max = options?.maxMismatches ?? 16;
  if (!Number.isInteger(max) || max < 0 || max > 0x7FFFFFFF) {
    throw invalidArgument(op, `maxMismatches must be an integer >= 0 (0 = all) (got ${String(max)})`);
  }
  const tol = options?.fieldToleranceNs ?? 0;
  if (!(typeof tol === "bigint" || Number.isSafeInteger(tol))) {
    throw invalidArgument(op, `fieldToleranceNs must be an integer number of ns (got ${String(tol)})`);
  }
  const onProgress = options?.onProgress;
  const total = onProgress ? segmentBytes(left) + segmentBytes(right) : 0;
  const { summary, rows } = diffRun(
    op,
    left,
    right,
    BigInt(tol),
    max,
    onProgress ? 1 << 20 : 0,
    onProgress && ((s) => onProgress(Math.min(Number(s[DiffField.BYTES_READ]), total || Infinity), total)),
  );
  const mismatches: TapeMismatch[] = [];
  for (let at = 0; at < rows.length; at += DIFF_ROW_WIDTH) {
    const kind = Number(rows[at + 1]);
    const bits = Number(rows[at + 2]);
    mismatches.push({
      index: Number(rows[at]),
      kind: kind === MismatchKind.FIELD
        ? "field"
        : kind === MismatchKind.MISSING_LEFT
        ? "missing_left"
        : "missing_right",
      left: rowAt(rows, at + 3),
      right: rowAt(rows, at + 9),
      fields: FIELD_NAMES.filter(([bit]) => bits & bit).map(([, name]) => name),
    });
  }
  const equal = summary[DiffField.EQUAL] === 1n;
  const result: TapeDiff = {
    equal,
    firstDivergenceIndex: Number(summary[DiffField.FIRST_DIVERGENCE]),
    mismatchCount: Number(summary[DiffField.MISMATCH_COUNT]),
    mismatches,
    leftCount: Number(summary[DiffField.LEFT_COUNT]),
    rightCount: Number(summary[DiffField.RIGHT_COUNT]),
    leftPath: left,
    rightPath: right,
    leftDamaged: Number(summary[DiffField.LEFT_DAMAGED]),
    rightDamaged: Number(summary[DiffField.RIGHT_DAMAGED]),
    toJSON() {
      return {
        equal,
        first_divergence_index: equal ? null : result.firstDivergenceIndex,
        left_count: result.leftCount,
        left_path: left,
        mismatch_count: result.mismatchCount,
        mismatches: mismatches.map((m) => ({
          index: m.index,
          kind: m.kind,
          left: rowJson(m.left),
          right: rowJson(m.right),
        })),
        right_count: result.rightCount,
        right_path: right,
      };
    },
  };
  return result;
}
