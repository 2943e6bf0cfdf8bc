// A one-line progress display on stderr for long reads. Drawn only on a terminal (never into a
// pipe or a log file), redrawn at most 8 times a second, erased when the work ends so that the
// command's real output starts on a clean line. FLOX_PROGRESS=1 forces it on, FLOX_PROGRESS=0 off.
import type { Output } from "./output.ts";
import { formatBytes, formatCount } from "./format.ts";

const REDRAW_MS = 125;

/** Whether progress should be drawn on `err` given the environment. */
export function progressWanted(err: Output, env: Record<string, string | undefined>): boolean {
  if (env.FLOX_PROGRESS === "1") return true;
  if (env.FLOX_PROGRESS === "0") return false;
  return err.isTTY && env.TERM !== "dumb";
}

export class Progress {
  #drawn = false;
  #lastDraw = -Infinity;
  readonly #started: number;

  constructor(
    private readonly err: Output,
    private readonly label: string,
    readonly enabled: boolean,
    private readonly unit = "events",
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#started = now();
  }

  /** Reports `done` of `total` units (total 0 = unknown). Cheap when called often. Units "bytes"
   * are shown as KiB/MiB/GiB. */
  update(done: number, total: number): void {
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = t;
    const seconds = (t - this.#started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const bytes = this.unit === "bytes";
    const amount = (n: number) => (bytes ? formatBytes(n) : formatCount(n));
    let line = `${this.label}  ${amount(done)}`;
    if (total > 0) {
      const pct = Math.min(100, (100 * done) / total);
      line = `${this.label}  ${pct.toFixed(1).padStart(5)}%  ${amount(done)} / ${amount(total)}`;
    }
    if (!bytes) line += ` ${this.unit}`;
    if (rate > 0) line += `  ${bytes ? formatBytes(rate) : formatRate(rate)}/s`;
    if (total > 0 && rate > 0 && done < total) line += `  ETA ${Math.ceil((total - done) / rate)}s`;
    // \r + "erase line" so a shorter line does not leave the tail of a longer one.
    this.err.write(`\r\x1b[2K${line}`);
    this.err.flush();
    this.#drawn = true;
  }

  /** Erases the line, if one was drawn. */
  finish(): void {
    if (!this.#drawn) return;
    this.err.write("\r\x1b[2K");
    this.err.flush();
    this.#drawn = false;
  }
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k`;
  return perSecond.toFixed(0);
}
