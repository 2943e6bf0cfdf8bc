// Finds and opens libflox for the current runtime, checks its ABI version, and exports the symbols.
//
// Search order: FLOX_LIB (a full path), then build/libflox.so of this repository. When nothing
// loads, one FloxError lists every path tried and how to build the library.
import { existsSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { FloxError } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";
import { bunBackend } from "./backend_bun.ts";
import { denoBackend } from "./backend_deno.ts";
import { symbols as table, type SymbolTable } from "./symbols.ts";
import type { Backend, SymbolDef, Symbols } from "./types.ts";

/** The ABI this TypeScript layer was written against (FLOX_ABI_VERSION in flox.h). */
export const EXPECTED_ABI_VERSION = 1;

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/** The backend of the runtime we run in. */
export const backend: Backend = isBun ? bunBackend() : denoBackend();

function candidatePaths(): string[] {
  const paths: string[] = [];
  const fromEnv = process.env.FLOX_LIB;
  if (fromEnv) paths.push(fromEnv);
  const url = new URL("../../build/libflox.so", import.meta.url);
  if (url.protocol === "file:") paths.push(fileURLToPath(url));
  return paths;
}

function openLibrary(): { path: string; lib: Symbols<SymbolTable> } {
  const tried: string[] = [];
  let lastError: unknown;
  for (const path of candidatePaths()) {
    if (!existsSync(path)) {
      tried.push(`${path} (not found)`);
      continue;
    }
    try {
      const lib = backend.open(path, table as unknown as Record<string, SymbolDef>) as Symbols<SymbolTable>;
      return { path, lib };
    } catch (e) {
      // Deno reports missing --allow-ffi as a permission error: let it through untouched.
      if (e instanceof Error && e.name === "NotCapable") throw e;
      tried.push(`${path} (${e instanceof Error ? e.message : String(e)})`);
      lastError = e;
    }
  }
  throw new FloxError(
    FloxStatus.NOT_FOUND,
    "libflox could not be loaded. Tried:\n  " + (tried.join("\n  ") || "(no candidate paths)") +
      "\nBuild it with `cmake -S . -B build && cmake --build build` (or `npm run build`) from the " +
      "repository root, or set FLOX_LIB to the full path of libflox.so.",
    { cause: lastError },
  );
}

const opened = openLibrary();

/** Path of the loaded library. */
export const libraryPath: string = opened.path;
/** The library's symbols, typed from the table. */
export const lib: Symbols<SymbolTable> = opened.lib;

const abi = lib.flox_abi_version();
if (abi !== EXPECTED_ABI_VERSION) {
  throw new FloxError(
    FloxStatus.UNSUPPORTED,
    `libflox at ${libraryPath} has ABI version ${abi}, but this TypeScript layer expects ` +
      `${EXPECTED_ABI_VERSION}; rebuild the library from the same checkout.`,
  );
}
