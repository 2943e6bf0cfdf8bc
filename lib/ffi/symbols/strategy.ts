// FFI symbols of the strategy section of cabi/include/flox.h, keyed by exact C name, prototype above each.
export const strategySymbols = {} as const;
