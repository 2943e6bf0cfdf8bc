// OwnedHandle: a native handle with one owner, freed by close() or, as a backstop only, when the
// owner is garbage collected. Classes keep it private and never hand the raw handle out.
import { closedError } from "../errors.ts";
import { check } from "./status.ts";
import { backend } from "./load.ts";
import type { NativeHandle } from "./types.ts";

type Destroy = (handle: NativeHandle) => void;

const finalizer = new FinalizationRegistry<{ handle: NativeHandle; destroy: Destroy }>(
  ({ handle, destroy }) => destroy(handle),
);

export class OwnedHandle {
  #handle: NativeHandle;
  readonly #destroy: Destroy;
  readonly #what: string;

  constructor(handle: NativeHandle, destroy: Destroy, what: string) {
    this.#handle = handle;
    this.#destroy = destroy;
    this.#what = what;
    finalizer.register(this, { handle, destroy }, this);
  }

  /** The live handle; throws FloxError(CLOSED) naming the operation when closed. */
  get(operation: string): NativeHandle {
    if (this.#handle === null) throw closedError(operation, this.#what);
    return this.#handle;
  }

  get closed(): boolean {
    return this.#handle === null;
  }

  /** Frees the native object. Idempotent. */
  close(): void {
    if (this.#handle === null) return;
    const handle = this.#handle;
    this.#handle = null;
    finalizer.unregister(this);
    this.#destroy(handle);
  }
}

const outSlot = new BigUint64Array(1);

/** Calls a constructor `int flox_x_create(..., flox_x **out)` and returns the new handle. */
export function createHandle(operation: string, create: (out: BigUint64Array) => number): NativeHandle {
  outSlot[0] = 0n;
  check(create(outSlot), operation);
  return backend.handleFrom(outSlot[0]);
}
