// flox for Deno and Bun: the only public entry point. Named exports only.

// Errors and versions
export { FloxError } from "./lib/errors.ts";
export { FloxStatus, type FloxStatusName } from "./lib/status_codes.ts";
export { libraryPath, version } from "./lib/version.ts";

// Batch backtest engine
// @@ENGINE@@

// Market-data tapes
// @@TAPE@@

// Event-driven strategies
// @@STRATEGY@@
