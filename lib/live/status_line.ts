// One self-rewriting terminal line (stderr) for progress while recording or backfilling.
// Only drawn on a TTY: in logs and pipes it would be noise, so it is a no-op there.
import process from "node:process";

export class StatusLine {
  readonly enabled: boolean;
  private shown = false;
  private readonly write: (text: string) => void;

  /**
   * `enabled` defaults to "stderr is a terminal"; `write` defaults to stderr (the CLI passes its
   * own buffered writer, which must flush).
   */
  constructor(enabled?: boolean, write?: (text: string) => void, private readonly columns = 0) {
    this.enabled = enabled ?? process.stderr.isTTY === true;
    this.write = write ?? ((t) => process.stderr.write(t));
  }

  /** Replaces the line with `text` (cut to the terminal width so it never wraps). */
  update(text: string): void {
    if (!this.enabled) return;
    const width = this.columns || process.stderr.columns || 120;
    this.write(`\r\x1b[2K${text.length >= width ? text.slice(0, width - 1) : text}`);
    this.shown = true;
  }

  /** Erases the line so a normal message can be printed. */
  clear(): void {
    if (!this.enabled || !this.shown) return;
    this.write("\r\x1b[2K");
    this.shown = false;
  }
}

/** "12,345" */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** "512 B", "12.3 KiB", "4.0 MiB", "1.20 GiB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** A text progress bar: "[#########-----------]  45.0%". */
export function progressBar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(f * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(f * 100).toFixed(1).padStart(5)}%`;
}
