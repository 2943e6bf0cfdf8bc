// Symbols: an (exchange, name) pair with a small integer id, shared by strategies, runners and tapes.
//
// The class is named FloxSymbol here because a class called `Symbol` would shadow the global
// `Symbol` (and with it `Symbol.toPrimitive`, `Symbol.dispose`) inside this module. mod.ts exports it
// both as `FloxSymbol` and as `Symbol`, so `flox.Symbol` reads like the spec; importers who want a
// bare name should write `import { FloxSymbol } from ".../mod.ts"` rather than shadow the global.
import { FloxError, invalidArgument } from "./errors.ts";
import { FloxStatus } from "./status_codes.ts";

/** A registered instrument. Works as a number (its id): `+btc === 1`, `runner.onTrade(btc, ...)`. */
export class FloxSymbol {
  /** Id given by the registry, from 1 in the order symbols were added. */
  readonly id: number;
  /** Instrument name as the exchange spells it, e.g. "BTCUSDT". */
  readonly name: string;
  /** Exchange name, e.g. "binance". */
  readonly exchange: string;
  /** Minimum price increment in quote currency (0.01 unless given). */
  readonly tickSize: number;

  /** @internal Symbols are made by SymbolRegistry.addSymbol. */
  constructor(id: number, exchange: string, name: string, tickSize: number) {
    this.id = id;
    this.exchange = exchange;
    this.name = name;
    this.tickSize = tickSize;
    Object.freeze(this);
  }

  /** The id, so arithmetic and comparisons treat the symbol as its number. */
  valueOf(): number {
    return this.id;
  }

  /** Numeric contexts get the id; string contexts get "exchange:name". */
  [Symbol.toPrimitive](hint: string): number | string {
    return hint === "string" ? this.toString() : this.id;
  }

  /** "exchange:name", e.g. "binance:BTCUSDT". */
  toString(): string {
    return `${this.exchange}:${this.name}`;
  }

  toJSON(): { id: number; exchange: string; name: string; tickSize: number } {
    return { id: this.id, exchange: this.exchange, name: this.name, tickSize: this.tickSize };
  }
}

/** A symbol or its id: what every API that takes a symbol accepts. */
export type SymbolLike = FloxSymbol | number;

/** The id of a symbol or id (no registry lookup). */
export function symbolId(symbol: SymbolLike): number {
  return typeof symbol === "number" ? symbol : symbol.id;
}

/** Options of SymbolRegistry.addSymbol. */
export interface AddSymbolOptions {
  /** Minimum price increment, finite and > 0. Default 0.01. */
  tickSize?: number;
}

const DEFAULT_TICK_SIZE = 0.01;

/** Hands out symbol ids: from 1, one per (exchange, name) pair; re-adding a pair returns the same symbol. */
export class SymbolRegistry {
  #byId: FloxSymbol[] = [];
  #byKey = new Map<string, FloxSymbol>();

  /**
   * Registers (exchange, name), or returns the symbol already registered for that pair. Giving a
   * tickSize different from the registered one is an error (INVALID_ARG): two tick sizes for one
   * instrument is a bug in the caller, not something to resolve silently.
   */
  addSymbol(exchange: string, name: string, options: AddSymbolOptions = {}): FloxSymbol {
    const op = "SymbolRegistry.addSymbol";
    if (typeof exchange !== "string" || exchange === "") {
      throw invalidArgument(op, "exchange must be a non-empty string");
    }
    if (typeof name !== "string" || name === "") throw invalidArgument(op, "name must be a non-empty string");
    const tick = options.tickSize;
    if (tick !== undefined && !(Number.isFinite(tick) && tick > 0)) {
      throw invalidArgument(op, `tickSize is ${tick}; must be finite and > 0`);
    }
    const key = `${exchange}\u0000${name}`;
    const existing = this.#byKey.get(key);
    if (existing !== undefined) {
      if (tick !== undefined && tick !== existing.tickSize) {
        throw invalidArgument(
          op,
          `${existing} is already registered with tickSize ${existing.tickSize}, not ${tick}`,
        );
      }
      return existing;
    }
    const symbol = new FloxSymbol(this.#byId.length + 1, exchange, name, tick ?? DEFAULT_TICK_SIZE);
    this.#byId.push(symbol);
    this.#byKey.set(key, symbol);
    return symbol;
  }

  /** The symbol with this id, or undefined. */
  get(id: number): FloxSymbol | undefined {
    return Number.isInteger(id) && id >= 1 ? this.#byId[id - 1] : undefined;
  }

  /** The symbol for (exchange, name), or undefined. */
  find(exchange: string, name: string): FloxSymbol | undefined {
    return this.#byKey.get(`${exchange}\u0000${name}`);
  }

  /**
   * The symbol with this name on any exchange (case-insensitive), or undefined. When several
   * exchanges list the name, this throws INVALID_ARG: use find(exchange, name) instead.
   */
  byName(name: string): FloxSymbol | undefined {
    const wanted = name.toUpperCase();
    let found: FloxSymbol | undefined;
    for (const s of this.#byId) {
      if (s.name.toUpperCase() !== wanted) continue;
      if (found !== undefined) {
        throw new FloxError(
          FloxStatus.INVALID_ARG,
          `SymbolRegistry.byName: "${name}" is listed on ${found.exchange} and ${s.exchange}; use find(exchange, name)`,
        );
      }
      found = s;
    }
    return found;
  }

  /** Resolves a symbol or id to a registered symbol; throws NOT_FOUND naming the operation. */
  resolve(symbol: SymbolLike, operation: string): FloxSymbol {
    const id = symbolId(symbol);
    const s = this.get(id);
    if (s === undefined) {
      throw new FloxError(FloxStatus.NOT_FOUND, `${operation}: no symbol with id ${id} in the registry`);
    }
    return s;
  }

  /** Every symbol, in id order. */
  all(): FloxSymbol[] {
    return this.#byId.slice();
  }

  /** Number of registered symbols (ids run 1..size). */
  get size(): number {
    return this.#byId.length;
  }
}
