// A small stand-in for JSR's @std/assert, over node:assert/strict. deno.json "imports" and
// tsconfig.json "paths" map "@std/assert" here because JSR is not reachable from our machines;
// where it is, point the import-map entry at "jsr:@std/assert@1" and nothing else changes.
import nodeAssert from "node:assert/strict";

export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

export function assert(expr: unknown, msg = "expected a truthy value"): asserts expr {
  if (!expr) throw new AssertionError(msg);
}

export function assertFalse(expr: unknown, msg = "expected a falsy value"): void {
  if (expr) throw new AssertionError(msg);
}

export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  try {
    nodeAssert.deepStrictEqual(actual, expected);
  } catch (e) {
    throw new AssertionError((msg ? msg + ": " : "") + (e as Error).message);
  }
}

export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  try {
    nodeAssert.notDeepStrictEqual(actual, expected);
  } catch (e) {
    throw new AssertionError((msg ? msg + ": " : "") + (e as Error).message);
  }
}

export function assertStrictEquals<T>(actual: unknown, expected: T, msg?: string): asserts actual is T {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(msg ?? `expected ${String(expected)}, got ${String(actual)}`);
  }
}

/** |actual - expected| <= tolerance; default tolerance as in @std/assert: 1e-7 relative. */
export function assertAlmostEquals(actual: number, expected: number, tolerance?: number, msg?: string): void {
  if (Object.is(actual, expected)) return;
  const tol = tolerance ?? Math.abs(expected * 1e-7);
  if (!(Math.abs(expected - actual) <= tol)) {
    throw new AssertionError(msg ?? `expected ${actual} to be close to ${expected} (tolerance ${tol})`);
  }
}

export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual > expected)) throw new AssertionError(msg ?? `expected ${actual} > ${expected}`);
}

export function assertGreaterOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual >= expected)) throw new AssertionError(msg ?? `expected ${actual} >= ${expected}`);
}

export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual < expected)) throw new AssertionError(msg ?? `expected ${actual} < ${expected}`);
}

export function assertLessOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual <= expected)) throw new AssertionError(msg ?? `expected ${actual} <= ${expected}`);
}

export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  if (!expected.test(actual)) {
    throw new AssertionError(msg ?? `expected ${JSON.stringify(actual)} to match ${expected}`);
  }
}

export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (!actual.includes(expected)) {
    throw new AssertionError(msg ?? `expected ${JSON.stringify(actual)} to include ${JSON.stringify(expected)}`);
  }
}

export function assertExists<T>(actual: T, msg?: string): asserts actual is NonNullable<T> {
  if (actual === null || actual === undefined) throw new AssertionError(msg ?? "expected a value");
}

export function assertInstanceOf<T extends abstract new (...args: never[]) => unknown>(
  actual: unknown,
  expectedType: T,
  msg?: string,
): asserts actual is InstanceType<T> {
  if (!(actual instanceof expectedType)) {
    throw new AssertionError(msg ?? `expected an instance of ${expectedType.name}`);
  }
}

export function fail(msg?: string): never {
  throw new AssertionError(msg ?? "failed");
}

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

function checkError<E extends Error>(e: unknown, ErrorType?: ErrorClass<E>, includes?: string): E {
  if (ErrorType && !(e instanceof ErrorType)) {
    throw new AssertionError(
      `expected ${ErrorType.name}, got ${e instanceof Error ? e.name + ": " + e.message : String(e)}`,
    );
  }
  if (includes !== undefined && !(e instanceof Error && e.message.includes(includes))) {
    throw new AssertionError(
      `expected the error message to include ${JSON.stringify(includes)}, got ${JSON.stringify((e as Error)?.message)}`,
    );
  }
  return e as E;
}

/** Calls fn, requires it to throw (optionally a given class whose message includes a string). */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorType?: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): E {
  try {
    fn();
  } catch (e) {
    return checkError(e, ErrorType, msgIncludes);
  }
  throw new AssertionError(msg ?? "expected the function to throw");
}

export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  ErrorType?: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    return checkError(e, ErrorType, msgIncludes);
  }
  throw new AssertionError(msg ?? "expected the promise to reject");
}
