// Bun backend: bun:ffi with a 1:1 rename of the table (parameters -> args, result -> returns), no
// widening. Pointers are plain numbers. Deno-only nonblocking aliases are left out (Bun has no
// async FFI; the async batch runs in a Worker instead).
import type { Backend, NativeHandle } from "./types.ts";

// Declared locally so this file also type-checks under `deno check`, which cannot resolve bun:ffi.
interface BunFfi {
  dlopen(
    path: string,
    symbols: Record<string, { args: readonly string[]; returns: string }>,
  ): { symbols: Record<string, unknown> };
  ptr(view: ArrayBufferView): number;
  CString: new (pointer: number) => { toString(): string };
}

export function bunBackend(): Backend {
  // import.meta.require keeps bun:ffi out of Deno's module graph; Bun's bundler still embeds it.
  const ffi = (import.meta as unknown as { require(id: string): BunFfi }).require("bun:ffi");
  return {
    runtime: "bun",
    open: (path, table) => {
      const renamed: Record<string, { args: readonly string[]; returns: string }> = {};
      for (const [name, def] of Object.entries(table)) {
        if (def.nonblocking) continue;
        renamed[name] = { args: def.parameters, returns: def.result };
      }
      return ffi.dlopen(path, renamed).symbols;
    },
    handleFrom: (address) => (address === 0n ? null : Number(address)) as NativeHandle,
    handleAddress: (handle) => BigInt((handle as number | null) ?? 0),
    addressOf: (view) => (view.byteLength === 0 ? 0n : BigInt(ffi.ptr(view))),
    cString: (pointer) => (pointer === null || pointer === 0 ? "" : new ffi.CString(pointer as number).toString()),
  };
}
