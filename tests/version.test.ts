import { test } from "node:test";
import { assertMatch, assertStringIncludes } from "@std/assert";
import { libraryPath, version } from "../mod.ts";

test("mod.ts exposes the library version and path", () => {
  assertMatch(version, /^\d+\.\d+\.\d+$/);
  assertStringIncludes(libraryPath, "libflox");
});
