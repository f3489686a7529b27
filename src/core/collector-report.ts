// The collector's report: its shape, the window's first day, store faults as HTTP answers, and the table view.
import { DOCKER_CLI_SOURCES } from "./payload-schema.ts";

export const DOCKER_CODES = [
  "MCPX_DOCKER_CLI_NOT_FOUND",
  "MCPX_DOCKER_EXEC_NOT_FOUND",
  "MCPX_DOCKER_OCI_RUNTIME",
] as const;

export interface CodeRow {
  code: string;
  count: number;
  installs: number;
}

export interface CollectorReport {
  since: string;
  from_day: string;
  heartbeats: number;
  installs: number;
  installs_per_day: Array<{ day: string; installs: number; heartbeats: number }>;
  /** Installs by the version, and the platform, of their latest heartbeat in the window. */
  versions: Array<{ version: string; installs: number }>;
  platforms: Array<{ os: string; arch: string; installs: number }>;
  opt_outs: { total: number; per_day: Array<{ day: string; count: number }> };
  /** `error_code_counts_24h` and `error_category_counts` summed over the window's heartbeats. */
  error_codes: CodeRow[];
  error_categories: Array<{ category: string; count: number; installs: number }>;
  docker: {
    installs: number;
    isolation_enabled: number;
    isolation_share: number;
    available: number;
    cli_source: Record<(typeof DOCKER_CLI_SOURCES)[number], number>;
    codes: CodeRow[];
  };
}

/** The first UTC day inside a window of `ms` ending at `now` (a 1-day window is today alone). */
export function windowStart(now: Date, ms: number): string {
  const days = Math.max(1, Math.ceil(ms / 86_400_000));
  return new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
}

export type StoreFault = { status: 503 | 507; reason: string };

/** An SQLite result code (primary part) as the answer a sender can act on: retry later, either way. */
export function storeFault(errcode: number | undefined, message: string): StoreFault {
  switch ((errcode ?? 0) & 0xff) {
    case 13:
      return { status: 507, reason: "the collector's disk or database is full" };
    case 5:
    case 6:
      return { status: 503, reason: "the database is locked by another process" };
    case 8:
      return { status: 503, reason: "the database is read-only" };
    default:
      return { status: 503, reason: `the database cannot be written: ${message}` };
  }
}

const pct = (part: number, whole: number) => (whole === 0 ? "0%" : `${((100 * part) / whole).toFixed(1)}%`);

/** The human view: one small table per section, in the order the page draws them. */
export function reportText(r: CollectorReport, table: (rows: string[][], right: number[]) => string): string {
  const section = (title: string, head: string[], rows: Array<Array<string | number>>) =>
    `${title}\n${rows.length === 0 ? "  (none)" : table([head, ...rows.map((row) => row.map(String))], [1, 2, 3])}`;
  const d = r.docker;
  return [
    `Since ${r.from_day} (${r.since}): ${r.installs} installs, ${r.heartbeats} heartbeats, ${r.opt_outs.total} opt-outs`,
    section(
      "Installs per day",
      ["day", "installs", "heartbeats"],
      r.installs_per_day.map((x) => [x.day, x.installs, x.heartbeats]),
    ),
    section(
      "Versions",
      ["version", "installs"],
      r.versions.map((x) => [x.version, x.installs]),
    ),
    section(
      "OS/arch",
      ["os/arch", "installs"],
      r.platforms.map((x) => [`${x.os}/${x.arch}`, x.installs]),
    ),
    section(
      "Opt-out beacons",
      ["day", "beacons"],
      r.opt_outs.per_day.map((x) => [x.day, x.count]),
    ),
    section(
      "Top MCPX codes (24h counts summed)",
      ["code", "count", "installs"],
      r.error_codes.map((x) => [x.code, x.count, x.installs]),
    ),
    section(
      "Error categories",
      ["category", "count", "installs"],
      r.error_categories.map((x) => [x.category, x.count, x.installs]),
    ),
    section(
      "Docker (latest heartbeat per install)",
      ["", "installs", "share"],
      [
        ["docker_isolation_enabled", d.isolation_enabled, pct(d.isolation_enabled, d.installs)],
        ["docker_available", d.available, pct(d.available, d.installs)],
        ...DOCKER_CLI_SOURCES.map((s) => [
          `docker_cli_source=${s}`,
          d.cli_source[s],
          pct(d.cli_source[s], d.installs),
        ]),
      ],
    ),
    section(
      "Docker codes",
      ["code", "count", "installs"],
      d.codes.map((x) => [x.code, x.count, x.installs]),
    ),
  ].join("\n\n");
}
