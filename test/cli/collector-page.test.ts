// The collector's page in a real headless Chromium: the DOM has every chart, and the screenshot shows their bars.
import { afterAll, describe, expect, test } from "bun:test";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { SOURCE, tempDir } from "../support/cli.ts";
import { type CollectorProcess, startCollectorProcess } from "../support/collector-process.ts";
import { installId, releaseBody, releasePayload } from "../support/heartbeat-body.ts";
import { countColour, decodePng } from "../support/png.ts";

const CHROMIUM = Bun.which("chromium") ?? Bun.which("chromium-browser");
// The bars' colour in src/core/collector-page.ts.
const BAR: [number, number, number] = [0x2f, 0x6f, 0xdf];
const CHARTS = [
  "installs_per_day",
  "versions",
  "platforms",
  "error_codes",
  "error_categories",
  "docker",
  "opt_outs",
];

const roots: string[] = [];
const running: CollectorProcess[] = [];
afterAll(async () => {
  for (const c of running) c.proc.kill("SIGKILL");
  await Promise.all(roots.map((d) => rm(d, { recursive: true, force: true })));
});

async function browse(url: string, dir: string) {
  const flags = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    `--user-data-dir=${join(dir, "profile")}`,
  ];
  const dom = Bun.spawn([CHROMIUM as string, ...flags, "--dump-dom", url], {
    stdout: "pipe",
    stderr: "ignore",
  });
  const html = await new Response(dom.stdout).text();
  const png = join(dir, "page.png");
  const shot = Bun.spawn(
    [CHROMIUM as string, ...flags, "--window-size=1300,1400", `--screenshot=${png}`, url],
    {
      stdout: "ignore",
      stderr: "ignore",
    },
  );
  expect(await shot.exited).toBe(0);
  return { html, image: decodePng(new Uint8Array(await readFile(png))) };
}

async function collectorWith(bodies: string[]) {
  const dir = await tempDir("mcpx-page-");
  roots.push(dir);
  const c = await startCollectorProcess(SOURCE, join(dir, "fleet.db"));
  running.push(c);
  for (const body of bodies) expect((await c.post(body)).status).toBe(200);
  return { c, dir };
}

// A missing browser is reported as skipped by name, never counted as passed; .ci/run installs it.
describe.skipIf(!CHROMIUM)("the collector page in headless Chromium", () => {
  test("with heartbeats: all seven charts in the DOM, and their bars painted in the screenshot", async () => {
    const flags = releasePayload(installId(0)).feature_flags;
    const { c, dir } = await collectorWith([
      releaseBody(installId(1), { diagnostics: { error_code_counts_24h: { MCPX_DOCKER_CLI_NOT_FOUND: 3 } } }),
      releaseBody(installId(2), {
        os: "darwin",
        arch: "arm64",
        error_category_counts: { docker_run_failed: 1 },
      }),
      releaseBody(installId(3), { feature_flags: { ...flags, docker_isolation_enabled: true } }),
      '{"event":"telemetry_disabled","anonymous_id":""}',
    ]);
    const { html, image } = await browse(`${c.url}/`, dir);
    expect(html).toContain("<b>3</b> installs");
    for (const chart of CHARTS) expect(html).toContain(`data-chart="${chart}"`);
    expect(html.match(/<rect /g)?.length ?? 0).toBeGreaterThanOrEqual(15);
    expect(image.width).toBe(1300);
    // Bars cover thousands of pixels; the empty page's control below has none.
    expect(countColour(image, BAR)).toBeGreaterThan(5_000);
  }, 60_000);

  test("control: an empty collector's page paints no bars", async () => {
    const { c, dir } = await collectorWith([]);
    const { html, image } = await browse(`${c.url}/`, dir);
    expect(html).toContain("<b>0</b> installs");
    expect(countColour(image, BAR)).toBe(0);
  }, 60_000);
});
