// FFI symbols of the tape section of cabi/include/flox.h, keyed by exact C name, prototype above each.
export const tapeSymbols = {} as const;
