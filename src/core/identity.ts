// The anonymous id: a random UUIDv4 that rotates every 365 days, guarded against clock skew.

export interface Identity {
  id: string;
  createdAt: string;
}

export type IdentityChange = "none" | "created" | "dated" | "redated" | "rotated";

const DAY_MS = 86_400_000;
const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
// Version 4 (random) only: a version-1 id holds a MAC address and a time, and the nil UUID is no id at all.
// Lower case, as crypto.randomUUID makes them (and without flags, which JSON Schema cannot say).
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Strict RFC 3339 date-time, or null: no date-only, no space, no missing offset, no Feb 30. */
export function parseRfc3339(text: string): Date | null {
  const m = rfc3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [sign, offH, offM] = [m[8], Number(m[9] ?? 0), Number(m[10] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 60 || offH > 23 || offM > 59) return null;
  const fraction = m[7] ? Number(m[7].slice(0, 4)) * 1000 : 0;
  const offset = sign ? (sign === "-" ? -1 : 1) * (offH * 60 + offM) * 60_000 : 0;
  const ms =
    Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)) + Math.round(fraction) - offset;
  return new Date(ms);
}

/** RFC 3339 in UTC to the second, as the Go edition writes it. */
export function formatRfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function isUuid(text: string): boolean {
  return UUID_V4.test(text);
}

/**
 * What the identity should be at `now`. A value that is not a UUID (hand-edited, perhaps a name)
 * is treated as no id, so it can never leave the machine.
 */
export function rotateIdentity(
  current: { id?: string | null; createdAt?: string | null },
  now: Date,
  newId: () => string,
): { identity: Identity; change: IdentityChange } {
  const stamp = formatRfc3339(now);
  const id = current.id ?? "";
  if (!isUuid(id)) return { identity: { id: newId(), createdAt: stamp }, change: "created" };
  const createdAt = current.createdAt ?? "";
  if (createdAt === "") return { identity: { id, createdAt: stamp }, change: "dated" };
  const created = parseRfc3339(createdAt);
  if (!created) return { identity: { id, createdAt: stamp }, change: "redated" };
  const age = now.getTime() - created.getTime();
  if (age < -366 * DAY_MS) return { identity: { id, createdAt: stamp }, change: "redated" };
  if (age > 365 * DAY_MS) return { identity: { id: newId(), createdAt: stamp }, change: "rotated" };
  return { identity: { id, createdAt }, change: "none" };
}
