// The one FFI symbol table of libflox, in Deno's shape. Each area of the header keeps its entries in
// lib/ffi/symbols/<area>.ts; this file joins them. Only lib/ffi/ sees this table.
import { coreSymbols } from "./symbols/core.ts";
import { engineSymbols } from "./symbols/engine.ts";
import { tapeSymbols } from "./symbols/tape.ts";
import { strategySymbols } from "./symbols/strategy.ts";
import { ringSymbols } from "./symbols/ring.ts";

export const symbols = {
  ...coreSymbols,
  ...engineSymbols,
  ...tapeSymbols,
  ...strategySymbols,
  ...ringSymbols,
} as const;

export type SymbolTable = typeof symbols;
