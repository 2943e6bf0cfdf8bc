// Data gaps caused by dropped connections: when a stream stopped delivering and when it resumed.

export interface Gap {
  stream: string;
  startMs: number;
  endMs: number;
  /** False when recording stopped before the stream came back. */
  resumed: boolean;
  reason: string;
}

export class GapTracker {
  readonly gaps: Gap[] = [];
  private readonly open = new Map<string, { startMs: number; reason: string }>();

  /** Marks `stream` as down from `atMs`; returns false when it already was. */
  begin(stream: string, atMs: number, reason: string): boolean {
    if (this.open.has(stream)) return false;
    this.open.set(stream, { startMs: atMs, reason });
    return true;
  }

  /** Marks `stream` as delivering again; returns the closed gap, or null when none was open. */
  end(stream: string, atMs: number): Gap | null {
    const g = this.open.get(stream);
    if (!g) return null;
    this.open.delete(stream);
    const gap = { stream, startMs: g.startMs, endMs: atMs, resumed: true, reason: g.reason };
    this.gaps.push(gap);
    return gap;
  }

  isOpen(stream: string): boolean {
    return this.open.has(stream);
  }

  /** Closes every open gap at `atMs` as not resumed (recording ended during the outage). */
  finish(atMs: number): void {
    for (const [stream, g] of this.open) {
      this.gaps.push({ stream, startMs: g.startMs, endMs: atMs, resumed: false, reason: g.reason });
    }
    this.open.clear();
  }

  totalMs(): number {
    let t = 0;
    for (const g of this.gaps) t += g.endMs - g.startMs;
    return t;
  }
}

/** Delay before reconnect attempt `attempt` (1-based): doubling from `initialMs`, capped at `maxMs`. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}
