// Entry of the single-file executable built by `bun build --compile` (scripts/build-cli.sh).
// The native library is embedded in the executable; Bun hands out a path it can dlopen. FLOX_LIB
// must be set before anything imports lib/ffi/load.ts, hence the dynamic import below.
// Not type-checked by Deno (deno.json "exclude"): `with { type: "file" }` is Bun-only.
import process from "node:process";
import embeddedLibrary from "../build/libflox.so" with { type: "file" };

process.env.FLOX_LIB = embeddedLibrary;
const { main } = await import("../lib/cli/main.ts");
process.exit(await main(process.argv.slice(2)));
