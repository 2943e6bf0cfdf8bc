// Argument checks shared by the tape functions: timestamps, symbols, scales, paths.
import { invalidArgument } from "../errors.ts";
import type { ReadOptions, TapeSymbolLike } from "./types.ts";

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** A timestamp as bigint ns; integral numbers are accepted and converted. */
export function tsArg(operation: string, name: string, value: unknown): bigint {
  if (typeof value === "bigint") {
    if (value < INT64_MIN || value > INT64_MAX) throw invalidArgument(operation, `${name} ${value} is outside int64`);
    return value;
  }
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  throw invalidArgument(operation, `${name} must be a bigint of ns since the epoch (got ${String(value)})`);
}

export function symbolArg(operation: string, symbol: TapeSymbolLike): number {
  const id = typeof symbol === "number" ? symbol : symbol?.id;
  if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > 0xFFFFFFFF) {
    throw invalidArgument(operation, `symbol must be a u32 id or an object with one (got ${String(id)})`);
  }
  return id;
}

export function pathArg(operation: string, name: string, value: unknown): string {
  if (typeof value !== "string" || value === "") throw invalidArgument(operation, `${name} must be a non-empty path`);
  return value;
}

function scaleArg(operation: string, name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!(typeof value === "number" && Number.isFinite(value) && value > 0)) {
    throw invalidArgument(operation, `${name} must be a finite number > 0 (got ${String(value)})`);
  }
  return value;
}

export interface ResolvedRead {
  priceScale: number;
  qtyScale: number;
  from: bigint;
  to: bigint;
  symbols: Uint32Array;
  filtered: boolean;
  dedupe: boolean;
}

export function readOptions(operation: string, options: ReadOptions | undefined): ResolvedRead {
  const o = options ?? {};
  const from = o.fromTsNs === undefined ? INT64_MIN : tsArg(operation, "fromTsNs", o.fromTsNs);
  const to = o.toTsNs === undefined ? INT64_MAX : tsArg(operation, "toTsNs", o.toTsNs);
  if (from > to) throw invalidArgument(operation, `fromTsNs ${from} is after toTsNs ${to}`);
  const symbols = Uint32Array.from((o.symbols ?? []).map((s) => symbolArg(operation, s)));
  return {
    priceScale: scaleArg(operation, "priceScale", o.priceScale),
    qtyScale: scaleArg(operation, "qtyScale", o.qtyScale ?? o.priceScale),
    from,
    to,
    symbols,
    filtered: o.fromTsNs !== undefined || o.toTsNs !== undefined || symbols.length > 0,
    dedupe: o.dedupe === true,
  };
}
