// Library version as a string, and where the library was loaded from.
import { lib, libraryPath as loadedFrom } from "./ffi/load.ts";

const n = lib.flox_version_number();

/** Version of the loaded libflox, "MAJOR.MINOR.PATCH". */
export const version = `${Math.floor(n / 10000)}.${Math.floor(n / 100) % 100}.${n % 100}`;
/** Filesystem path of the loaded libflox. */
export const libraryPath: string = loadedFrom;
