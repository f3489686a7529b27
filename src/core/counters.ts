// The telemetry counters as stored: recording fixed-enum events, merging, subtracting what was sent, the 24 h window.
import * as v from "valibot";
import { isDiagnosticCode } from "./codes.ts";
import {
  BUILTIN_TOOLS,
  DOCTOR_CHECK_NAME,
  ERROR_CATEGORIES,
  PayloadSchema,
  REST_ROUTES,
  SURFACES,
} from "./payload-schema.ts";
import { emptyUsage, type Usage } from "./usage.ts";

const HOUR_SECONDS = 3600;
const WINDOW_SECONDS = 24 * HOUR_SECONDS;
const payload = PayloadSchema.entries;
const codeCounts = payload.diagnostics.wrapped.entries.error_code_counts_24h;

// The payload's own map schemas, so a stored key the payload would refuse fails here too.
export const CountsSchema = v.strictObject({
  surface_requests: payload.surface_requests,
  builtin_tool_calls: payload.builtin_tool_calls,
  upstream_tool_calls: v.pipe(v.number(), v.integer(), v.minValue(0)),
  rest_endpoint_calls: payload.rest_endpoint_calls,
  error_category_counts: payload.error_category_counts,
  doctor_checks: payload.doctor_checks,
  // Hour start in epoch seconds → codes counted in that hour; the payload sums the last 24.
  error_code_counts_by_hour: v.record(v.pipe(v.string(), v.regex(/^(?:0|[1-9][0-9]{0,11})$/)), codeCounts),
  // Heartbeats the privacy gate stopped: kept here for `doctor` and people, never sent.
  blocked_sends: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

export type Counts = v.InferOutput<typeof CountsSchema>;
export type SentCounts = Omit<Counts, "error_code_counts_by_hour" | "blocked_sends">;

// Strings, not the enums: events may come from a request body, and whatever is unknown is dropped.
export type CounterEvent =
  | { kind: "surface_request"; surface: string }
  | { kind: "builtin_tool_call"; tool: string }
  | { kind: "upstream_tool_calls"; count: number }
  | { kind: "rest_call"; route: string; status: number }
  | { kind: "error_category"; category: string }
  | { kind: "doctor_check"; name: string; passed: boolean }
  | { kind: "diagnostic_code"; code: string };

type CountMap = Partial<Record<string, number>>;

export function emptyCounts(): Counts {
  // The store keeps hour buckets where the payload has its 24-hour sum.
  const { error_code_counts_24h: _, ...usage } = emptyUsage();
  return { ...usage, error_code_counts_by_hour: {} };
}

const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === "string" && (list as readonly string[]).includes(value);

const own = <T>(map: Partial<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(map, key) ? map[key] : undefined;

// valibot's record skips these keys when reading, so they could never round-trip through the store.
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const isKey = (pattern: RegExp, value: unknown): value is string =>
  typeof value === "string" && pattern.test(value) && !UNSAFE_KEYS.has(value);

const increment = <M extends CountMap>(map: M, key: string): M => ({
  ...map,
  [key]: (own(map, key) ?? 0) + 1,
});

function statusClass(status: unknown): string | null {
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) return null;
  return `${Math.floor(status / 100)}xx`;
}

function hourKey(now: Date): string | null {
  const ms = now.getTime();
  return Number.isFinite(ms) && ms >= 0 ? String(Math.floor(ms / 1000 / HOUR_SECONDS) * HOUR_SECONDS) : null;
}

export function applyEvent(counts: Counts, event: CounterEvent, now: Date): Counts {
  switch (event.kind) {
    case "surface_request": {
      if (!isOneOf(SURFACES, event.surface)) return counts;
      return { ...counts, surface_requests: increment(counts.surface_requests, event.surface) };
    }
    case "builtin_tool_call": {
      if (!isOneOf(BUILTIN_TOOLS, event.tool)) return counts;
      return { ...counts, builtin_tool_calls: increment(counts.builtin_tool_calls, event.tool) };
    }
    case "upstream_tool_calls": {
      const n = event.count;
      if (typeof n !== "number" || !Number.isSafeInteger(n) || n <= 0) return counts;
      return { ...counts, upstream_tool_calls: counts.upstream_tool_calls + n };
    }
    case "rest_call": {
      const status = statusClass(event.status);
      if (!status || !isOneOf(REST_ROUTES, event.route)) return counts;
      const route = increment(own(counts.rest_endpoint_calls, event.route) ?? {}, status);
      return { ...counts, rest_endpoint_calls: { ...counts.rest_endpoint_calls, [event.route]: route } };
    }
    case "error_category": {
      if (!isOneOf(ERROR_CATEGORIES, event.category)) return counts;
      return { ...counts, error_category_counts: increment(counts.error_category_counts, event.category) };
    }
    case "doctor_check": {
      if (!isKey(DOCTOR_CHECK_NAME, event.name) || typeof event.passed !== "boolean") return counts;
      const check = own(counts.doctor_checks, event.name) ?? { pass: 0, fail: 0 };
      const next = increment(check, event.passed ? "pass" : "fail");
      return { ...counts, doctor_checks: { ...counts.doctor_checks, [event.name]: next } };
    }
    case "diagnostic_code": {
      const hour = hourKey(now);
      if (!hour || typeof event.code !== "string" || !isDiagnosticCode(event.code)) return counts;
      const bucket = increment(own(counts.error_code_counts_by_hour, hour) ?? {}, event.code);
      return {
        ...counts,
        error_code_counts_by_hour: { ...counts.error_code_counts_by_hour, [hour]: bucket },
      };
    }
    default:
      return counts;
  }
}

export function applyEvents(counts: Counts, events: readonly CounterEvent[], now: Date): Counts {
  return events.reduce((acc, event) => applyEvent(acc, event, now), counts);
}

// Adds (sign 1) or subtracts (sign -1) key by key, never below zero; zero entries are dropped.
function combine<M extends CountMap>(a: M, b: CountMap, sign: 1 | -1): M {
  const out: CountMap = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const n = Math.max(0, (own(a, key) ?? 0) + sign * (own(b, key) ?? 0));
    if (n > 0) out[key] = n;
  }
  return out as M;
}

function combineNested<M extends CountMap>(
  a: Partial<Record<string, M>>,
  b: Partial<Record<string, CountMap>>,
  sign: 1 | -1,
): Record<string, M> {
  const out: Record<string, M> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const inner = combine(own(a, key) ?? ({} as M), own(b, key) ?? {}, sign);
    if (Object.keys(inner).length > 0) out[key] = inner;
  }
  return out;
}

function combineSent(a: Counts, b: SentCounts, sign: 1 | -1): Omit<Counts, "error_code_counts_by_hour"> {
  const doctor = combineNested<CountMap>(a.doctor_checks, b.doctor_checks, sign);
  return {
    surface_requests: {
      ...emptyCounts().surface_requests,
      ...combine(a.surface_requests, b.surface_requests, sign),
    },
    builtin_tool_calls: combine(a.builtin_tool_calls, b.builtin_tool_calls, sign),
    upstream_tool_calls: Math.max(0, a.upstream_tool_calls + sign * b.upstream_tool_calls),
    rest_endpoint_calls: combineNested(a.rest_endpoint_calls, b.rest_endpoint_calls, sign),
    error_category_counts: combine(a.error_category_counts, b.error_category_counts, sign),
    // The payload wants both numbers of a check, even when one is zero.
    doctor_checks: Object.fromEntries(
      Object.entries(doctor).map(([name, c]) => [name, { pass: c.pass ?? 0, fail: c.fail ?? 0 }]),
    ),
  };
}

export function mergeCounts(a: Counts, b: Counts): Counts {
  const blocked = (a.blocked_sends ?? 0) + (b.blocked_sends ?? 0);
  return {
    ...combineSent(a, b, 1),
    error_code_counts_by_hour: combineNested(a.error_code_counts_by_hour, b.error_code_counts_by_hour, 1),
    ...(blocked > 0 ? { blocked_sends: blocked } : {}),
  };
}

// The 24 h window is not reset by a send: its hour buckets stay as they are.
export function subtractSent(stored: Counts, sent: SentCounts): Counts {
  return {
    ...combineSent(stored, sent, -1),
    error_code_counts_by_hour: stored.error_code_counts_by_hour,
    ...(stored.blocked_sends ? { blocked_sends: stored.blocked_sends } : {}),
  };
}

/** Whether anything was counted: a heartbeat of all zeros needs no subtraction afterwards. */
export function hasCounts(sent: SentCounts): boolean {
  return (
    sent.upstream_tool_calls > 0 ||
    Object.values(sent.surface_requests).some((n) => (n ?? 0) > 0) ||
    [sent.builtin_tool_calls, sent.rest_endpoint_calls, sent.error_category_counts, sent.doctor_checks].some(
      (map) => Object.keys(map).length > 0,
    )
  );
}

/** What a heartbeat built from these counts carries: the store less its local-only parts. */
export function sentPart(counts: Counts): SentCounts {
  const { error_code_counts_by_hour: _, blocked_sends: __, ...sent } = counts;
  return sent;
}

const inWindow = (hour: string, now: Date) => Number(hour) > now.getTime() / 1000 - WINDOW_SECONDS;

export function pruneCounts(counts: Counts, now: Date): Counts {
  const kept = Object.entries(counts.error_code_counts_by_hour).filter(([hour]) => inWindow(hour, now));
  return { ...counts, error_code_counts_by_hour: Object.fromEntries(kept) };
}

export function usageAt(counts: Counts, now: Date): Usage {
  const { error_code_counts_by_hour: hours, blocked_sends: _, ...rest } = counts;
  let codes: Usage["error_code_counts_24h"] = {};
  for (const [hour, bucket] of Object.entries(hours)) {
    if (bucket && inWindow(hour, now)) codes = combine(codes, bucket, 1);
  }
  return { ...rest, error_code_counts_24h: codes };
}

/** Whether the counters know this event; applyEvent hands back the same object for one it drops. */
export function isCountable(event: CounterEvent, now: Date): boolean {
  const base = emptyCounts();
  return applyEvent(base, event, now) !== base;
}
