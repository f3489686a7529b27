// Durations as people write them for `serve` (`5m`, `24h`, `1h30m`, `500ms`, `2s`): text in, milliseconds out.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
/** A year: past this a setting is a typo, and timers would overflow their 32-bit milliseconds anyway. */
export const MAX_DURATION_MS = 365 * 86_400_000;

/** Milliseconds, or null when the text is not a duration (Go's spelling plus `d`; `0` alone is zero). */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (t === "0") return 0;
  if (t === "") return null;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < t.length) {
    const at = PART.lastIndex;
    const m = PART.exec(t);
    if (!m || m.index !== at) return null;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  }
  const ms = Math.round(total);
  return Number.isFinite(ms) && ms <= MAX_DURATION_MS ? ms : null;
}

/** The shortest plain spelling of a duration, for logs: `5m`, `24h`, `1500ms`. */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m", "s"]) {
    const size = UNIT_MS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
