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
  -- the two small maps the rollup trigger sums, so it does not parse them out of the body again
  codes TEXT,
  categories TEXT,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS heartbeats_day ON heartbeats(day, anonymous_id);
CREATE INDEX IF NOT EXISTS heartbeats_install ON heartbeats(anonymous_id, day);
CREATE INDEX IF NOT EXISTS heartbeats_version ON heartbeats(version);
CREATE INDEX IF NOT EXISTS heartbeats_platform ON heartbeats(os, arch);
CREATE INDEX IF NOT EXISTS heartbeats_schema ON heartbeats(schema_version);
-- Rollups kept by a trigger, so a report reads thousands of rows rather than every body: the latest
-- heartbeat of each install, each install's heartbeats per day, and codes per day and install.
CREATE TABLE IF NOT EXISTS installs (
  anonymous_id TEXT PRIMARY KEY,
  last_id INTEGER NOT NULL,
  last_day TEXT NOT NULL,
  version TEXT NOT NULL,
  os TEXT NOT NULL,
  arch TEXT NOT NULL,
  isolation INTEGER,
  available INTEGER,
  source TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS installs_day ON installs(last_day);
CREATE TABLE IF NOT EXISTS days (
  day TEXT PRIMARY KEY,
  heartbeats INTEGER NOT NULL,
  installs INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS install_days (
  day TEXT NOT NULL,
  anonymous_id TEXT NOT NULL,
  PRIMARY KEY (day, anonymous_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS code_days (
  kind TEXT NOT NULL,
  day TEXT NOT NULL,
  code TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (kind, day, code)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS code_installs (
  kind TEXT NOT NULL,
  code TEXT NOT NULL,
  anonymous_id TEXT NOT NULL,
  last_day TEXT NOT NULL,
  PRIMARY KEY (kind, code, anonymous_id)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS heartbeats_rollup AFTER INSERT ON heartbeats BEGIN
  INSERT INTO installs VALUES (NEW.anonymous_id, NEW.id, NEW.day, NEW.version, NEW.os, NEW.arch,
    json_extract(NEW.body, '$.feature_flags.docker_isolation_enabled'),
    json_extract(NEW.body, '$.feature_flags.docker_available'),
    json_extract(NEW.body, '$.feature_flags.docker_cli_source'))
  ON CONFLICT (anonymous_id) DO UPDATE SET last_id = excluded.last_id, last_day = excluded.last_day,
    version = excluded.version, os = excluded.os, arch = excluded.arch, isolation = excluded.isolation,
    available = excluded.available, source = excluded.source
  WHERE excluded.last_id > installs.last_id;
  -- The day's install count goes up only for an install not yet seen that day (checked before it is noted).
  INSERT INTO days VALUES (NEW.day, 1,
    NOT EXISTS (SELECT 1 FROM install_days WHERE day = NEW.day AND anonymous_id = NEW.anonymous_id))
  ON CONFLICT DO UPDATE SET heartbeats = heartbeats + 1, installs = installs + excluded.installs;
  INSERT INTO install_days VALUES (NEW.day, NEW.anonymous_id) ON CONFLICT DO NOTHING;
END;
-- Most heartbeats carry no codes: this trigger does not even start for them.
CREATE TRIGGER IF NOT EXISTS heartbeats_codes AFTER INSERT ON heartbeats
WHEN NEW.codes IS NOT NULL OR NEW.categories IS NOT NULL BEGIN
  INSERT INTO code_days SELECT 'code', NEW.day, key, value FROM json_each(NEW.codes) WHERE true
  ON CONFLICT DO UPDATE SET count = count + excluded.count;
  INSERT INTO code_days SELECT 'category', NEW.day, key, value FROM json_each(NEW.categories) WHERE true
  ON CONFLICT DO UPDATE SET count = count + excluded.count;
  INSERT INTO code_installs SELECT 'code', key, NEW.anonymous_id, NEW.day FROM json_each(NEW.codes) WHERE true
  ON CONFLICT DO UPDATE SET last_day = max(last_day, excluded.last_day);
  INSERT INTO code_installs SELECT 'category', key, NEW.anonymous_id, NEW.day FROM json_each(NEW.categories) WHERE true
  ON CONFLICT DO UPDATE SET last_day = max(last_day, excluded.last_day);
END;
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

/** Every code of a kind in the window, most counted first; installs are those that reported it in the window. */
function codeRows(db: DatabaseSync, kind: string, fromDay: string): CodeRow[] {
  return db
    .prepare(
      `SELECT d.code, d.count, (SELECT COUNT(*) FROM code_installs i
         WHERE i.kind = ? AND i.code = d.code AND i.last_day >= ?) AS installs
       FROM (SELECT code, SUM(count) AS count FROM code_days WHERE kind = ? AND day >= ? GROUP BY code) d
       ORDER BY d.count DESC, d.code`,
    )
    .all(kind, fromDay, kind, fromDay) as unknown as CodeRow[];
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
            insertHeartbeat.run(
              r.receivedAt,
              r.day,
              r.version,
              r.os,
              r.arch,
              r.schemaVersion,
              r.anonymousId,
              r.codes,
              r.categories,
              r.body,
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
  const perDay = all<{ day: string; installs: number; heartbeats: number }>(
    "SELECT day, installs, heartbeats FROM days WHERE day >= ? ORDER BY day",
    fromDay,
  );
  const codes = codeRows(db, "code", fromDay);
  // An install's latest heartbeat is in the window exactly when any of its heartbeats is (no future days).
  const latest = "FROM installs WHERE last_day >= ?";
  const docker = all<{ installs: number; isolation: number; available: number }>(
    `SELECT COUNT(*) AS installs, TOTAL(isolation) AS isolation, TOTAL(available) AS available ${latest}`,
    fromDay,
  )[0] ?? { installs: 0, isolation: 0, available: 0 };
  const sources = Object.fromEntries(DOCKER_CLI_SOURCES.map((s) => [s, 0])) as Record<string, number>;
  for (const row of all<{ source: string; n: number }>(
    `SELECT source, COUNT(*) AS n ${latest} GROUP BY source`,
    fromDay,
  )) {
    if (row.source in sources) sources[row.source] = row.n;
  }
  const report: CollectorReport = {
    since,
    from_day: fromDay,
    heartbeats: perDay.reduce((sum, d) => sum + d.heartbeats, 0),
    installs: docker.installs,
    installs_per_day: perDay,
    versions: all(
      `SELECT version, COUNT(*) AS installs ${latest} GROUP BY version ORDER BY installs DESC, version`,
      fromDay,
    ),
    platforms: all(
      `SELECT os, arch, COUNT(*) AS installs ${latest} GROUP BY os, arch ORDER BY installs DESC, os, arch`,
      fromDay,
    ),
    opt_outs: {
      total: 0,
      per_day: all(
        `SELECT day, COUNT(*) AS count FROM events WHERE event = 'telemetry_disabled' AND day >= ?
         GROUP BY day ORDER BY day`,
        fromDay,
      ),
    },
    error_codes: codes.slice(0, 20),
    error_categories: codeRows(db, "category", fromDay)
      .slice(0, 20)
      .map((r) => ({
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
        (code) => codes.find((r) => r.code === code) ?? { code, count: 0, installs: 0 },
      ),
    },
  };
  report.opt_outs.total = report.opt_outs.per_day.reduce((sum, d) => sum + d.count, 0);
  return report;
}
