// Text formatting shared by the `flox` commands: counts, sizes, nanosecond timestamps.

/** 12345678 -> "12,345,678". */
export function formatCount(n: number | bigint): string {
  const s = typeof n === "bigint" ? n.toString() : Math.trunc(n).toString();
  const negative = s.startsWith("-");
  const digits = negative ? s.slice(1) : s;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return negative ? "-" + grouped : grouped;
}

/** Bytes with a binary unit: "512 B", "1.5 KiB", "256.0 MiB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const NS_PER_S = 1_000_000_000n;

/** Nanoseconds since the epoch as ISO-8601 UTC with all nine fraction digits. */
export function isoFromNs(tsNs: bigint): string {
  // Floor division so that times before 1970 still get a fraction in [0, 1e9).
  let seconds = tsNs / NS_PER_S;
  let fraction = tsNs % NS_PER_S;
  if (fraction < 0n) {
    fraction += NS_PER_S;
    seconds -= 1n;
  }
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return `(${tsNs} ns, outside the calendar range)`;
  return `${date.toISOString().slice(0, 19)}.${fraction.toString().padStart(9, "0")}Z`;
}

/** Seconds between two nanosecond timestamps, "3600.000s". */
export function formatSpan(fromNs: bigint, toNs: bigint): string {
  return `${(Number(toNs - fromNs) / 1e9).toFixed(3)}s`;
}

/**
 * Formats many timestamps quickly: the "YYYY-MM-DDTHH:MM:SS" part is cached per second, which is
 * what makes printing millions of replay lines affordable.
 */
export class IsoFormatter {
  #second = 0n;
  #prefix = "";
  #valid = false;

  format(tsNs: bigint): string {
    let seconds = tsNs / NS_PER_S;
    let fraction = tsNs % NS_PER_S;
    if (fraction < 0n) {
      fraction += NS_PER_S;
      seconds -= 1n;
    }
    if (!this.#valid || seconds !== this.#second) {
      const date = new Date(Number(seconds) * 1000);
      if (Number.isNaN(date.getTime())) return isoFromNs(tsNs);
      this.#second = seconds;
      this.#prefix = date.toISOString().slice(0, 19) + ".";
      this.#valid = true;
    }
    return `${this.#prefix}${fraction.toString().padStart(9, "0")}Z`;
  }
}

/** Trade side byte as text; FLOX writers use 0 = buy, 1 = sell, anything else is shown raw. */
export function sideName(side: number): string {
  return side === 0 ? "buy" : side === 1 ? "sell" : `side#${side}`;
}

/**
 * A fixed-point raw value as an exact decimal (no float rounding): 10155000000 at 8 decimals is
 * "101.55". Used where the tape's raw integers are shown (diff rows).
 */
export function decimalFromRaw(raw: bigint, decimals = 8): string {
  const negative = raw < 0n;
  const digits = (negative ? -raw : raw).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return (negative ? "-" : "") + whole + (fraction ? "." + fraction : "");
}
