// The collector's SQLite file (node:sqlite, the same in Bun and Deno): schema, batched inserts, report queries.
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { EventRow, HeartbeatRow } from "../core/collector-intake.ts";
import { type CodeRow, type CollectorReport, DOCKER_CODES } from "../core/collector-report.ts";
import { DOCKER_CLI_SOURCES } from "../core/payload-schema.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS heartbeats (
  id INTEGER PRIMARY KEY,
  received_at TEXT NOT NULL,
  day TEXT NOT NULL,
  version TEXT NOT NULL,
  os TEXT NOT NULL,
  arch TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  anonymous_id TEXT NOT NULL,
  -- the two small maps the report sums, kept beside the body so a report does not parse every body
  codes TEXT,
  categories TEXT,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS heartbeats_day ON heartbeats(day, anonymous_id);
CREATE INDEX IF NOT EXISTS heartbeats_install ON heartbeats(anonymous_id, day);
CREATE INDEX IF NOT EXISTS heartbeats_version ON heartbeats(version);
CREATE INDEX IF NOT EXISTS heartbeats_platform ON heartbeats(os, arch);
CREATE INDEX IF NOT EXISTS heartbeats_schema ON heartbeats(schema_version);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  received_at TEXT NOT NULL,
  day TEXT NOT NULL,
  event TEXT NOT NULL,
  anonymous_id TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_day ON events(event, day);
`;

export interface CollectorDb {
  /** Inserts every row in one transaction; throws (rolled back) when the store refuses. */
  write(rows: ReadonlyArray<HeartbeatRow | EventRow>): void;
  report(fromDay: string, since: string): CollectorReport;
  close(): void;
}

export interface OpenOptions {
  readOnly?: boolean;
  /** Test knob: a page limit makes "database or disk is full" happen for real. */
  maxPages?: number;
}

function codeRows(
  db: DatabaseSync,
  column: string,
  fromDay: string,
  limit: number,
  only?: readonly string[],
) {
  const filter = only ? `AND j.key IN (${only.map(() => "?").join(",")})` : "";
  return db
    .prepare(
      `SELECT j.key AS code, SUM(j.value) AS count, COUNT(DISTINCT h.anonymous_id) AS installs
       FROM heartbeats h, json_each(h.${column}) j
       WHERE h.day >= ? AND h.${column} IS NOT NULL ${filter}
       GROUP BY j.key ORDER BY count DESC, code LIMIT ?`,
    )
    .all(fromDay, ...(only ?? []), limit) as unknown as CodeRow[];
}

export function openCollectorDb(path: string, options: OpenOptions = {}): CollectorDb {
  const db = new DatabaseSync(path, { readOnly: options.readOnly ?? false });
  // Another process holding the lock is waited for briefly, then reported (503) rather than queued for ever.
  db.exec("PRAGMA busy_timeout = 1000");
  if (!options.readOnly) {
    try {
      // WAL: readers (the report, the page) never block the writer; NORMAL is durable across a crash of ours.
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
      db.exec(SCHEMA);
    } catch (error) {
      // A file we may only read still serves the report; each write then fails as read-only (503).
      if ((((error as { errcode?: number }).errcode ?? 0) & 0xff) ^ 8) throw error;
    }
    if (options.maxPages) db.exec(`PRAGMA max_page_count = ${Math.floor(options.maxPages)}`);
  }
  let insertHeartbeat: StatementSync | undefined;
  let insertEvent: StatementSync | undefined;
  return {
    write(rows) {
      insertHeartbeat ??= db.prepare(
        `INSERT INTO heartbeats (received_at, day, version, os, arch, schema_version, anonymous_id, codes, categories, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      insertEvent ??= db.prepare(
        "INSERT INTO events (received_at, day, event, anonymous_id, body) VALUES (?, ?, ?, ?, ?)",
      );
      db.exec("BEGIN IMMEDIATE");
      try {
        for (const r of rows) {
          if (r.kind === "event") insertEvent.run(r.receivedAt, r.day, r.event, r.anonymousId, r.body);
          else {
            const {
              receivedAt,
              day,
              version,
              os,
              arch,
              schemaVersion,
              anonymousId,
              codes,
              categories,
              body,
            } = r;
            insertHeartbeat.run(
              receivedAt,
              day,
              version,
              os,
              arch,
              schemaVersion,
              anonymousId,
              codes,
              categories,
              body,
            );
          }
        }
        db.exec("COMMIT");
      } catch (error) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw error;
      }
    },
    report(fromDay, since) {
      db.exec("BEGIN");
      try {
        return query(db, fromDay, since);
      } finally {
        db.exec("COMMIT");
      }
    },
    close() {
      db.close();
    },
  };
}

function query(db: DatabaseSync, fromDay: string, since: string): CollectorReport {
  // Rows come back as plain objects with the selected column names; the SQL beside each call says which.
  const all = <T>(sql: string, ...params: Array<string | number>) =>
    db.prepare(sql).all(...params) as unknown as T[];
  const totals = all<{ heartbeats: number; installs: number }>(
    "SELECT COUNT(*) AS heartbeats, COUNT(DISTINCT anonymous_id) AS installs FROM heartbeats WHERE day >= ?",
    fromDay,
  )[0] ?? { heartbeats: 0, installs: 0 };
  // Each install counts once, by its latest heartbeat in the window.
  db.exec("DROP TABLE IF EXISTS temp.latest");
  db.prepare(
    `CREATE TEMP TABLE latest AS SELECT h.version, h.os, h.arch,
       json_extract(h.body, '$.feature_flags.docker_isolation_enabled') AS isolation,
       json_extract(h.body, '$.feature_flags.docker_available') AS available,
       json_extract(h.body, '$.feature_flags.docker_cli_source') AS source
     FROM (SELECT MAX(id) AS id FROM heartbeats WHERE day >= ? GROUP BY anonymous_id) l
     JOIN heartbeats h ON h.id = l.id`,
  ).run(fromDay);
  const docker = all<{ installs: number; isolation: number; available: number }>(
    "SELECT COUNT(*) AS installs, TOTAL(isolation) AS isolation, TOTAL(available) AS available FROM latest",
  )[0] ?? { installs: 0, isolation: 0, available: 0 };
  const sources = Object.fromEntries(DOCKER_CLI_SOURCES.map((s) => [s, 0])) as Record<string, number>;
  for (const row of all<{ source: string; n: number }>(
    "SELECT source, COUNT(*) AS n FROM latest GROUP BY source",
  )) {
    if (row.source in sources) sources[row.source] = row.n;
  }
  const dockerCodes = codeRows(db, "codes", fromDay, DOCKER_CODES.length, DOCKER_CODES);
  const report: CollectorReport = {
    since,
    from_day: fromDay,
    heartbeats: totals.heartbeats,
    installs: totals.installs,
    installs_per_day: all(
      `SELECT day, COUNT(DISTINCT anonymous_id) AS installs, COUNT(*) AS heartbeats
       FROM heartbeats WHERE day >= ? GROUP BY day ORDER BY day`,
      fromDay,
    ),
    versions: all(
      "SELECT version, COUNT(*) AS installs FROM latest GROUP BY version ORDER BY installs DESC, version",
    ),
    platforms: all(
      "SELECT os, arch, COUNT(*) AS installs FROM latest GROUP BY os, arch ORDER BY installs DESC, os, arch",
    ),
    opt_outs: {
      total: 0,
      per_day: all(
        `SELECT day, COUNT(*) AS count FROM events WHERE event = 'telemetry_disabled' AND day >= ?
         GROUP BY day ORDER BY day`,
        fromDay,
      ),
    },
    error_codes: codeRows(db, "codes", fromDay, 20),
    error_categories: codeRows(db, "categories", fromDay, 20).map((r) => ({
      category: r.code,
      count: r.count,
      installs: r.installs,
    })),
    docker: {
      installs: docker.installs,
      isolation_enabled: docker.isolation,
      isolation_share: docker.installs === 0 ? 0 : docker.isolation / docker.installs,
      available: docker.available,
      cli_source: sources as CollectorReport["docker"]["cli_source"],
      // All three rows always, zero when no install reported the code.
      codes: DOCKER_CODES.map(
        (code) => dockerCodes.find((r) => r.code === code) ?? { code, count: 0, installs: 0 },
      ),
    },
  };
  report.opt_outs.total = report.opt_outs.per_day.reduce((sum, d) => sum + d.count, 0);
  db.exec("DROP TABLE temp.latest");
  return report;
}
