// Raw symbols: status codes, texts, versions and progress handles (STYLE: tests/ffi/<area>).
import { describe, test } from "node:test";
import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { backend, EXPECTED_ABI_VERSION, lib, libraryPath } from "../../lib/ffi/load.ts";
import { statusText } from "../../lib/ffi/status.ts";
import { FLOX_STATUS_LAST, FloxStatus, statusName } from "../../lib/status_codes.ts";

console.log(`libflox ${lib.flox_version_number()} from ${libraryPath} (${backend.runtime})`);

describe("status codes", () => {
  test("every code has a name in TypeScript and a text in the library", () => {
    for (let code = 0; code < FLOX_STATUS_LAST; code++) {
      assertNotEquals(statusName(code), "UNKNOWN", `code ${code} has no name`);
      assertNotEquals(statusText(code), "unknown status", `code ${code} has no text`);
    }
    assertEquals(statusText(FLOX_STATUS_LAST), "unknown status");
    assertEquals(Object.keys(FloxStatus).length, FLOX_STATUS_LAST);
  });

  test("ABI version matches the TypeScript layer", () => {
    assertEquals(lib.flox_abi_version(), EXPECTED_ABI_VERSION);
  });
});

describe("progress handle", () => {
  test("create, read, cancel, reset, destroy; destroy(null) is a no-op", () => {
    const out = new BigUint64Array(1);
    assertEquals(lib.flox_progress_create(out), FloxStatus.OK);
    assert(out[0] !== 0n);
    const p = backend.handleFrom(out[0]);
    assertEquals(lib.flox_progress_done(p), 0n);
    assertEquals(lib.flox_progress_total(p), 0n);
    lib.flox_progress_cancel(p);
    lib.flox_progress_reset(p);
    assertEquals(lib.flox_progress_done(p), 0n);
    lib.flox_progress_destroy(p);
    lib.flox_progress_destroy(null);
  });
});
