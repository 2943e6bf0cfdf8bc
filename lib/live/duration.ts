// Durations as typed on the command line: 30s, 15m, 1h, 2d, 1.5h; a bare number means seconds.
import { invalidArgument } from "../errors.ts";

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses "90s" / "15m" / "1h" / "2d" / "1.5h" / "45" (seconds), case-insensitive; returns milliseconds. */
export function parseDuration(text: string, what = "--duration"): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([smhd]?)\s*$/i.exec(text);
  if (!m) {
    throw invalidArgument(
      "parseDuration",
      `${what} "${text}" is not a duration (use a number with s, m, h or d: 30s, 15m, 1h, 2d)`,
    );
  }
  const seconds = Number(m[1]) * UNIT_SECONDS[(m[2] || "s").toLowerCase()];
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw invalidArgument("parseDuration", `${what} "${text}" must be greater than zero`);
  }
  return Math.round(seconds * 1000);
}

/** Human form of a duration in milliseconds: "850ms", "12.3s", "4m05s", "1h02m". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) return `${Math.floor(totalS / 60)}m${String(totalS % 60).padStart(2, "0")}s`;
  const totalM = Math.round(totalS / 60);
  return `${Math.floor(totalM / 60)}h${String(totalM % 60).padStart(2, "0")}m`;
}

/**
 * Parses a point in time for --since/--until: ISO 8601 ("2026-04-01", "2026-04-01T12:00:00Z") or
 * integer milliseconds since the epoch. Dates without a zone are UTC. Returns epoch milliseconds.
 */
export function parseTimestamp(text: string, what: string): number {
  const t = text.trim();
  if (/^\d{10,}$/.test(t)) return Number(t);
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(t) ? t + (t.length > 10 ? "Z" : "") : t;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) {
    throw invalidArgument(
      "parseTimestamp",
      `${what} "${text}" is not a date (use ISO 8601 like 2026-04-01T00:00:00Z or epoch milliseconds)`,
    );
  }
  return ms;
}
