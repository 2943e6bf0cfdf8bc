// FFI symbols for versions, status texts and progress counters (cabi/include/flox.h, first sections).
// Each entry is keyed by the exact C name; the comment above it is the C prototype, checked against
// the header by scripts/check-symbols.ts.
export const coreSymbols = {
  // int32_t flox_version_number(void);
  flox_version_number: { parameters: [], result: "i32" },
  // int32_t flox_abi_version(void);
  flox_abi_version: { parameters: [], result: "i32" },
  // const char *flox_strerror(int32_t status);
  flox_strerror: { parameters: ["i32"], result: "pointer" },
  // const char *flox_last_error(void);
  flox_last_error: { parameters: [], result: "pointer" },
  // int32_t flox_last_status(void);
  flox_last_status: { parameters: [], result: "i32" },
  // int32_t flox_progress_create(flox_progress **out);
  flox_progress_create: { parameters: ["buffer"], result: "i32" },
  // void flox_progress_destroy(flox_progress *p);
  flox_progress_destroy: { parameters: ["pointer"], result: "void" },
  // int64_t flox_progress_done(const flox_progress *p);
  flox_progress_done: { parameters: ["pointer"], result: "i64" },
  // int64_t flox_progress_total(const flox_progress *p);
  flox_progress_total: { parameters: ["pointer"], result: "i64" },
  // void flox_progress_cancel(flox_progress *p);
  flox_progress_cancel: { parameters: ["pointer"], result: "void" },
  // void flox_progress_reset(flox_progress *p);
  flox_progress_reset: { parameters: ["pointer"], result: "void" },
} as const;
