// The collector's read-only page: the report as HTML with inline SVG charts; no script, no external asset.
import type { CollectorReport } from "./collector-report.ts";
import { DOCKER_CLI_SOURCES } from "./payload-schema.ts";

const htmlText = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const BAR = "#2f6fdf";
const WIDTH = 560;

/** Vertical bars, one per day: the installs seen that day. */
function dayChart(days: CollectorReport["installs_per_day"]): string {
  if (days.length === 0) return `<p class="none">no heartbeats in this window</p>`;
  const height = 160;
  const max = Math.max(1, ...days.map((d) => d.installs));
  // A few days must not make bars as wide as the chart.
  const step = Math.min(28, WIDTH / days.length);
  const bars = days
    .map((d, i) => {
      const h = Math.max(1, Math.round(((height - 20) * d.installs) / max));
      const x = (i * step + step * 0.1).toFixed(1);
      const w = Math.max(1, step * 0.8).toFixed(1);
      return `<rect x="${x}" y="${height - h}" width="${w}" height="${h}" fill="${BAR}"><title>${d.day}: ${d.installs} installs, ${d.heartbeats} heartbeats</title></rect>`;
    })
    .join("");
  const first = htmlText(days[0]?.day ?? "");
  const last = htmlText(days.at(-1)?.day ?? "");
  return `<svg class="chart" data-chart="installs_per_day" width="${WIDTH}" height="${height + 18}" role="img" aria-label="installs per day">${bars}<text x="0" y="${height + 14}">${first}</text><text x="${WIDTH}" y="${height + 14}" text-anchor="end">${last}</text><text x="${WIDTH}" y="12" text-anchor="end">max ${max}</text></svg>`;
}

/** Horizontal bars with a label and the value, largest first as given. */
function barChart(name: string, rows: Array<{ label: string; value: number; note?: string }>): string {
  if (rows.length === 0) return `<p class="none">none in this window</p>`;
  const row = 22;
  const label = 230;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const bars = rows
    .map((r, i) => {
      const w = r.value === 0 ? 0 : Math.max(2, Math.round(((WIDTH - label - 90) * r.value) / max));
      const y = i * row;
      return `<text x="0" y="${y + 15}">${htmlText(r.label)}</text><rect x="${label}" y="${y + 3}" width="${w}" height="${row - 6}" fill="${BAR}"/><text x="${label + w + 6}" y="${y + 15}">${r.value}${r.note ? ` (${htmlText(r.note)})` : ""}</text>`;
    })
    .join("");
  return `<svg class="chart" data-chart="${name}" width="${WIDTH}" height="${rows.length * row}" role="img" aria-label="${name}">${bars}</svg>`;
}

const share = (part: number, whole: number) => (whole === 0 ? "0%" : `${((100 * part) / whole).toFixed(1)}%`);

export function reportPage(r: CollectorReport): string {
  const d = r.docker;
  const sections = [
    ["Installs per day", dayChart(r.installs_per_day)],
    [
      "Versions",
      barChart(
        "versions",
        r.versions.map((v) => ({ label: v.version, value: v.installs })),
      ),
    ],
    [
      "OS / arch",
      barChart(
        "platforms",
        r.platforms.map((p) => ({ label: `${p.os}/${p.arch}`, value: p.installs })),
      ),
    ],
    [
      "Top MCPX codes",
      barChart(
        "error_codes",
        r.error_codes.map((c) => ({ label: c.code, value: c.count })),
      ),
    ],
    [
      "Error categories",
      barChart(
        "error_categories",
        r.error_categories.map((c) => ({ label: c.category, value: c.count })),
      ),
    ],
    [
      "Docker",
      barChart("docker", [
        {
          label: "isolation enabled",
          value: d.isolation_enabled,
          note: share(d.isolation_enabled, d.installs),
        },
        { label: "docker available", value: d.available, note: share(d.available, d.installs) },
        ...DOCKER_CLI_SOURCES.map((s) => ({
          label: `cli source: ${s}`,
          value: d.cli_source[s],
          note: share(d.cli_source[s], d.installs),
        })),
        ...d.codes.map((c) => ({
          label: c.code.replace("MCPX_", ""),
          value: c.count,
          note: `${c.installs} installs`,
        })),
      ]),
    ],
    [
      "Opt-out beacons",
      barChart(
        "opt_outs",
        r.opt_outs.per_day.map((o) => ({ label: o.day, value: o.count })),
      ),
    ],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MCPProxy collector</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#1d1d1f;background:#fff}
h1{font-size:20px}h2{font-size:15px;margin:22px 0 6px}
svg text{font:12px system-ui,sans-serif;fill:#333}.none{color:#777}
section{display:inline-block;vertical-align:top;margin-right:32px}
</style></head><body>
<h1>MCPProxy collector</h1>
<p id="summary">Since ${htmlText(r.from_day)} (${htmlText(r.since)}): <b>${r.installs}</b> installs, <b>${r.heartbeats}</b> heartbeats, <b>${r.opt_outs.total}</b> opt-outs. The same data as JSON: <a href="/v1/report?since=${encodeURIComponent(r.since)}">/v1/report</a>.</p>
${sections.map(([title, body]) => `<section><h2>${title}</h2>${body}</section>`).join("\n")}
</body></html>
`;
}
