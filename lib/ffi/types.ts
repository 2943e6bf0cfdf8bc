// Types shared by the FFI backends: the native kinds we allow and how they map to JS values.

/** The only native kinds the symbol table uses (both runtimes agree on these). */
export type NativeKind = "i32" | "u32" | "i64" | "u64" | "f64" | "pointer" | "buffer" | "void";

export interface SymbolDef {
  readonly parameters: readonly NativeKind[];
  readonly result: NativeKind;
  /** Deno only: run on a separate thread and return a Promise. Bun backends skip these entries. */
  readonly nonblocking?: boolean;
  /** C name when the key is an alias (e.g. a nonblocking variant of a symbol). */
  readonly name?: string;
}

/** An opaque native handle: a pointer object in Deno, a number in Bun. Never dereferenced in JS. */
export type NativeHandle = { readonly __nativeHandle: unique symbol } | number | null;

type ParamType<K> = K extends "i32" | "u32" | "f64" ? number
  : K extends "i64" | "u64" ? bigint
  : K extends "pointer" ? NativeHandle
  : K extends "buffer" ? ArrayBufferView
  : never;

type ResultType<K> = K extends "void" ? void
  : K extends "i32" | "u32" | "f64" ? number
  : K extends "i64" | "u64" ? bigint
  : K extends "pointer" ? NativeHandle
  : never;

type Params<P> = { -readonly [I in keyof P]: ParamType<P[I]> };

type Fn<D> = D extends { parameters: infer P; result: infer R; nonblocking: true }
  ? (...args: Params<P> & unknown[]) => Promise<ResultType<R>>
  : D extends { parameters: infer P; result: infer R } ? (...args: Params<P> & unknown[]) => ResultType<R>
  : never;

/** Callable symbols derived from a symbol table. */
export type Symbols<T> = { [K in keyof T]: Fn<T[K]> };

/** What each runtime backend provides: opening the library and the few pointer operations we need. */
export interface Backend {
  readonly runtime: "deno" | "bun";
  /** Opens the library with the given table; throws the runtime's own error on failure. */
  open(path: string, table: Record<string, SymbolDef>): Record<string, unknown>;
  /** Turns an address read from an out-parameter into a handle the runtime can pass back. */
  handleFrom(address: bigint): NativeHandle;
  /** Address of a handle (to hand it to a Worker, which rebuilds it with handleFrom). */
  handleAddress(handle: NativeHandle): bigint;
  /** Address of the first byte of a typed array, for tables of pointers read by C during one call. */
  addressOf(view: ArrayBufferView): bigint;
  /** Copies a NUL-terminated UTF-8 string owned by the library. */
  cString(pointer: NativeHandle): string;
}

// Runtime fact (Bun 1.4): a "buffer" parameter refuses null, and an empty typed array may arrive as
// a non-NULL pointer. So the ABI never uses NULL-ness of a buffer to mean "absent": optional arrays
// come with an explicit length or flag argument.
