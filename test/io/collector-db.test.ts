// The collector's store on a real temp file: rollups across days and installs, and the window's edge.
import { afterAll, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { judgeBody } from "../../src/core/collector-intake.ts";
import { openCollectorDb } from "../../src/io/collector-db.ts";
import { tempDir } from "../support/cli.ts";
import { installId, releaseBody } from "../support/heartbeat-body.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const row = (id: number, day: string, overrides = {}) => {
  const intake = judgeBody(releaseBody(installId(id), overrides), new Date(`${day}T10:00:00Z`));
  if (!intake.ok) throw new Error(intake.error);
  return intake.row;
};

test("per-day installs are distinct, the latest heartbeat decides, codes count only inside the window", async () => {
  const dir = await tempDir("mcpx-collector-db-");
  dirs.push(dir);
  const db = openCollectorDb(join(dir, "fleet.db"));
  const codes = (n: number) => ({ diagnostics: { error_code_counts_24h: { MCPX_DOCKER_OCI_RUNTIME: n } } });
  db.write([row(1, "2026-03-01", codes(5)), row(1, "2026-03-01"), row(2, "2026-03-01")]);
  db.write([
    row(1, "2026-03-02", { version: "v0.2.0", current_version: "v0.2.0", ...codes(1) }),
    row(3, "2026-03-02"),
  ]);
  const all = db.report("2026-03-01", "2d");
  expect(all).toMatchObject({
    heartbeats: 5,
    installs: 3,
    installs_per_day: [
      { day: "2026-03-01", installs: 2, heartbeats: 3 },
      { day: "2026-03-02", installs: 2, heartbeats: 2 },
    ],
    versions: [
      { version: "v0.1.0", installs: 2 },
      { version: "v0.2.0", installs: 1 },
    ],
    error_codes: [{ code: "MCPX_DOCKER_OCI_RUNTIME", count: 6, installs: 1 }],
  });
  const lastDay = db.report("2026-03-02", "1d");
  expect(lastDay).toMatchObject({
    heartbeats: 2,
    installs: 2,
    error_codes: [{ code: "MCPX_DOCKER_OCI_RUNTIME", count: 1, installs: 1 }],
  });
  expect(db.report("2026-03-03", "1d")).toMatchObject({ heartbeats: 0, installs: 0, error_codes: [] });
  db.close();
});
