// Buffered, synchronous writers for stdout and stderr. Synchronous so that `process.exit` never
// cuts output short; buffered so that printing millions of replay lines costs one syscall per
// 64 KiB. A reader that goes away (`flox tape replay … | head`) is not an error: the writer marks
// itself broken, drops further output, and the command stops early.
import { writeSync } from "node:fs";
import process from "node:process";

const FLUSH_AT = 64 * 1024;
const encoder = new TextEncoder();

export interface Output {
  /** True when this stream is a terminal (progress lines and colours are only for terminals). */
  readonly isTTY: boolean;
  /** True once the reader went away (EPIPE); later writes are dropped. */
  readonly broken: boolean;
  write(text: string): void;
  flush(): void;
}

/** Writer over a file descriptor (1 = stdout, 2 = stderr). */
export class FdOutput implements Output {
  #pending: string[] = [];
  #pendingLength = 0;
  #broken = false;

  constructor(readonly fd: number, readonly isTTY: boolean) {}

  get broken(): boolean {
    return this.#broken;
  }

  write(text: string): void {
    if (this.#broken) return;
    this.#pending.push(text);
    this.#pendingLength += text.length;
    if (this.#pendingLength >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const bytes = encoder.encode(this.#pending.join(""));
    this.#pending = [];
    this.#pendingLength = 0;
    if (this.#broken) return;
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === "EAGAIN") {
          // A non-blocking pipe that is full: wait a moment for the reader instead of failing.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
          continue;
        }
        if (code === "EPIPE") {
          this.#broken = true;
          return;
        }
        throw e;
      }
    }
  }
}

/** Collects text in memory; for tests of commands and of the progress line. */
export class MemoryOutput implements Output {
  text = "";
  broken = false;
  constructor(readonly isTTY = false) {}
  write(text: string): void {
    this.text += text;
  }
  flush(): void {}
}

/** The process's stdout and stderr. */
export function processOutputs(): { out: FdOutput; err: FdOutput } {
  return {
    out: new FdOutput(1, process.stdout.isTTY === true),
    err: new FdOutput(2, process.stderr.isTTY === true),
  };
}
