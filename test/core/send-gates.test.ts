// The send gates: opt-out, release version, endpoint, privacy, in that order.
import { describe, expect, test } from "bun:test";
import { buildPayload } from "../../src/core/payload.ts";
import type { PrivacySecrets } from "../../src/core/privacy-gate.ts";
import {
  checkSendGates,
  type GateInputs,
  heartbeatUrl,
  isReleaseVersion,
} from "../../src/core/send-gates.ts";
import { payloadInputs } from "../support/payload-inputs.ts";

const secrets: PrivacySecrets = { hostName: "alice-laptop", homeBase: "alice", tokens: [] };
const payload = buildPayload(payloadInputs({}));

function inputs(extra: Partial<GateInputs> = {}): GateInputs {
  return {
    optOut: { enabled: true, reason: "" },
    version: "v1.2.3",
    endpoint: "https://telemetry.example.com",
    body: JSON.stringify(payload),
    payload,
    secrets,
    ...extra,
  };
}

describe("checkSendGates", () => {
  test("all gates open: the heartbeat URL", () => {
    expect(checkSendGates(inputs())).toEqual({ ok: true, url: "https://telemetry.example.com/heartbeat" });
  });

  const leaky = { ...payload, version: "v1.2.3+alice-laptop" };
  test.each<[string, Partial<GateInputs>, unknown]>([
    [
      "opted out by an env var",
      { optOut: { enabled: false, reason: "DO_NOT_TRACK" } },
      { ok: false, gate: "opted_out", reason: "telemetry is off (DO_NOT_TRACK)" },
    ],
    [
      "opted out, no reason given",
      { optOut: { enabled: false, reason: "" } },
      { ok: false, gate: "opted_out", reason: "telemetry is off (opted out)" },
    ],
    [
      "a source build",
      { version: "dev" },
      {
        ok: false,
        gate: "not_a_release",
        reason: 'version "dev" is not a release (v<major>.<minor>.<patch>); only releases send',
      },
    ],
    [
      "plain http to another machine",
      { endpoint: "http://example.com" },
      {
        ok: false,
        gate: "endpoint",
        reason:
          'the telemetry endpoint "http://example.com" uses plain http:// to another machine; set telemetry.endpoint to an https:// URL (http:// only to this machine)',
      },
    ],
    [
      "the privacy gate",
      { body: JSON.stringify(leaky), payload: leaky },
      {
        ok: false,
        gate: "privacy",
        reason: "the privacy gate blocked the heartbeat (rule host_name, pattern alice-laptop)",
        block: { rule: "host_name", pattern: "alice-laptop" },
      },
    ],
    [
      "opt-out comes before everything",
      { optOut: { enabled: false, reason: "config" }, version: "dev", endpoint: "ftp://x", payload: leaky },
      { ok: false, gate: "opted_out", reason: "telemetry is off (config)" },
    ],
    [
      "the version comes before the endpoint",
      { version: "1.2.3", endpoint: "ftp://x" },
      expect.objectContaining({ gate: "not_a_release" }),
    ],
    [
      "the endpoint comes before the privacy gate",
      { endpoint: "ftp://x", body: JSON.stringify(leaky), payload: leaky },
      expect.objectContaining({ gate: "endpoint" }),
    ],
  ])("%s", (_name, extra, expected) => {
    expect(checkSendGates(inputs(extra))).toEqual(expected as never);
  });
});

describe("isReleaseVersion", () => {
  test.each([
    ["v1.2.3", true],
    ["v0.0.0", true],
    ["v10.20.30", true],
    ["v1.2.3-rc.1", true],
    ["v1.2.3-alpha-2.0", true],
    ["v1.2.3+build.5", true],
    ["v1.2.3-rc.1+sha.abc", true],
    ["dev", false],
    ["1.2.3", false],
    ["v1.2", false],
    ["v1.2.3.4", false],
    ["v01.2.3", false],
    ["v1.2.3-", false],
    ["v1.2.3-01", false],
    ["v1.2.3+", false],
    ["v1.2.3-rc..1", false],
    [" v1.2.3", false],
    ["V1.2.3", false],
    ["", false],
  ])("%p → %p", (version, release) => {
    expect(isReleaseVersion(version)).toBe(release);
  });
});

describe("heartbeatUrl", () => {
  test.each([
    ["https://telemetry.example.com", "https://telemetry.example.com/heartbeat"],
    ["https://telemetry.example.com/", "https://telemetry.example.com/heartbeat"],
    ["https://t.example.com/api/v1/", "https://t.example.com/api/v1/heartbeat"],
    ["https://t.example.com/api//", "https://t.example.com/api/heartbeat"],
    ["  https://t.example.com:8443  ", "https://t.example.com:8443/heartbeat"],
    ["HTTPS://T.Example.COM", "https://t.example.com/heartbeat"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080/heartbeat"],
    ["http://127.255.0.9/", "http://127.255.0.9/heartbeat"],
    ["http://127.1:9", "http://127.0.0.1:9/heartbeat"],
    ["http://localhost:3000/t", "http://localhost:3000/t/heartbeat"],
    ["http://LOCALHOST", "http://localhost/heartbeat"],
    ["http://[::1]:8/", "http://[::1]:8/heartbeat"],
    ["http://[0:0:0:0:0:0:0:1]/", "http://[::1]/heartbeat"],
  ])("%p → %p", (endpoint, url) => {
    expect(heartbeatUrl(endpoint)).toEqual({ ok: true, url });
  });

  const FIX = "set telemetry.endpoint to an https:// URL (http:// only to this machine)";
  test.each([
    ["", `no telemetry endpoint is set; ${FIX}`],
    ["   ", `no telemetry endpoint is set; ${FIX}`],
    ["not a url", `the telemetry endpoint "not a url" is not a URL; ${FIX}`],
    ["telemetry.example.com", `the telemetry endpoint "telemetry.example.com" is not a URL; ${FIX}`],
    ["ftp://example.com", `the telemetry endpoint "ftp://example.com" is not https://; ${FIX}`],
    ["file:///etc/passwd", `the telemetry endpoint "file:///etc/passwd" is not https://; ${FIX}`],
    ["ws://127.0.0.1", `the telemetry endpoint "ws://127.0.0.1" is not https://; ${FIX}`],
    [
      "http://example.com",
      `the telemetry endpoint "http://example.com" uses plain http:// to another machine; ${FIX}`,
    ],
    [
      "http://10.0.0.1",
      `the telemetry endpoint "http://10.0.0.1" uses plain http:// to another machine; ${FIX}`,
    ],
    [
      "http://0.0.0.0",
      `the telemetry endpoint "http://0.0.0.0" uses plain http:// to another machine; ${FIX}`,
    ],
    [
      "http://127.0.0.1.nip.io",
      `the telemetry endpoint "http://127.0.0.1.nip.io" uses plain http:// to another machine; ${FIX}`,
    ],
    [
      "http://localhost.evil.example",
      `the telemetry endpoint "http://localhost.evil.example" uses plain http:// to another machine; ${FIX}`,
    ],
    [
      "http://[::ffff:10.0.0.1]",
      `the telemetry endpoint "http://[::ffff:10.0.0.1]" uses plain http:// to another machine; ${FIX}`,
    ],
    [
      "https://user:hunter2@t.example.com",
      `the telemetry endpoint must not hold a user name or password; ${FIX}`,
    ],
    ["http://user@127.0.0.1", `the telemetry endpoint must not hold a user name or password; ${FIX}`],
    [
      "https://t.example.com/?k=v",
      `the telemetry endpoint "https://t.example.com/?k=v" has a query or fragment; ${FIX}`,
    ],
    [
      "https://t.example.com/#x",
      `the telemetry endpoint "https://t.example.com/#x" has a query or fragment; ${FIX}`,
    ],
  ])("%p is refused", (endpoint, reason) => {
    expect(heartbeatUrl(endpoint)).toEqual({ ok: false, reason });
  });
});
