// Deno backend: Deno.dlopen with the table as is. Pointers are objects; 64-bit values are bigint.
import type { Backend, NativeHandle, SymbolDef } from "./types.ts";

// Declared locally so this file also type-checks under tsc with Bun's types.
interface DenoFfi {
  dlopen(path: string, symbols: Record<string, SymbolDef>): { symbols: Record<string, unknown> };
  UnsafePointer: {
    create(value: bigint): unknown;
    of(view: ArrayBufferView): unknown;
    value(pointer: unknown): bigint;
  };
  UnsafePointerView: { getCString(pointer: unknown): string };
}

export function denoBackend(): Backend {
  const D = (globalThis as unknown as { Deno: DenoFfi }).Deno;
  return {
    runtime: "deno",
    open: (path, table) => D.dlopen(path, table).symbols,
    handleFrom: (address) => (address === 0n ? null : D.UnsafePointer.create(address)) as NativeHandle,
    handleAddress: (handle) => (handle === null ? 0n : D.UnsafePointer.value(handle)),
    addressOf: (view) => {
      const p = D.UnsafePointer.of(view);
      return p === null ? 0n : D.UnsafePointer.value(p);
    },
    cString: (pointer) => (pointer === null ? "" : D.UnsafePointerView.getCString(pointer)),
  };
}
