// FFI symbols of the engine section of cabi/include/flox.h, keyed by exact C name, prototype above each.
export const engineSymbols = {} as const;
