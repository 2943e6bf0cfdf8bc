// Symbol arguments as people type them (BTCUSDT, BTC/USDT, btc/usdt, BTC/USDT:USDT) resolved to
// ccxt's unified symbols against an exchange's loaded markets.
import { invalidArgument } from "../errors.ts";

/** Quote currencies tried, in this order, to split a flat symbol (FLOX's `tape record` order). */
export const FLAT_QUOTE_SUFFIXES: readonly string[] = ["USDT", "USDC", "BUSD", "USD", "BTC", "ETH"];

/**
 * FLOX's rule for a symbol argument without a market list: anything with "/" passes unchanged;
 * otherwise the first matching quote suffix splits it (BTCUSDT -> BTC/USDT, SOLBTC -> SOL/BTC);
 * anything else passes unchanged.
 */
export function splitFlatSymbol(raw: string): string {
  if (raw.includes("/")) return raw;
  for (const quote of FLAT_QUOTE_SUFFIXES) {
    if (raw.length > quote.length && raw.endsWith(quote)) {
      return `${raw.slice(0, raw.length - quote.length)}/${quote}`;
    }
  }
  return raw;
}

/** The part of a ccxt market this module reads. */
export interface MarketInfo {
  symbol: string;
  id?: string;
  type?: string;
  spot?: boolean;
  active?: boolean | null;
}

/**
 * Resolves a user's symbol argument to a unified ccxt symbol present in `markets`.
 * Order: exact unified symbol; upper-cased; flat form split by quote suffix; the exchange's own
 * market id (spot preferred when an id names both a spot and a derivative market). Throws
 * FloxError(INVALID_ARG) naming the exchange, the argument and close candidates.
 */
export function resolveSymbol(exchangeId: string, raw: string, markets: Record<string, MarketInfo>): string {
  const trimmed = raw.trim();
  if (trimmed === "") throw invalidArgument("tape record", `${exchangeId}: empty symbol argument`);
  const upper = trimmed.toUpperCase();
  for (const candidate of [trimmed, upper, splitFlatSymbol(upper)]) {
    if (Object.hasOwn(markets, candidate)) return candidate;
  }
  const byId = Object.values(markets).filter((m) => m.id !== undefined && m.id.toUpperCase() === upper);
  if (byId.length > 0) {
    const spot = byId.find((m) => m.spot === true || m.type === "spot");
    return (spot ?? byId[0]).symbol;
  }
  // Near matches: markets whose base the argument starts with (BTCEUR -> BTC/...).
  const compact = upper.replace(/[^A-Z0-9]/g, "");
  const near = Object.keys(markets).filter((s) => {
    const base = s.split("/")[0];
    return base.length > 0 && compact.startsWith(base);
  }).slice(0, 6);
  const hint = near.length > 0 ? `; similar markets: ${near.join(", ")}` : "";
  throw invalidArgument("resolveSymbol", `symbol "${raw}" is not a market on ${exchangeId}${hint}`);
}
