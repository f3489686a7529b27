import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { decideOptOut, envOverride, whyOff } from "../../src/core/optout.ts";

describe("decideOptOut", () => {
  test.each([
    [{}, undefined, { enabled: true, envOverrideName: "", disabledBy: "" }],
    [{}, null, { enabled: true, envOverrideName: "", disabledBy: "" }],
    [{}, true, { enabled: true, envOverrideName: "", disabledBy: "" }],
    [{}, false, { enabled: false, envOverrideName: "", disabledBy: "config" }],
    [{ DO_NOT_TRACK: "1" }, true, { enabled: false, envOverrideName: "DO_NOT_TRACK", disabledBy: "env" }],
    [
      { DO_NOT_TRACK: "true" },
      undefined,
      { enabled: false, envOverrideName: "DO_NOT_TRACK", disabledBy: "env" },
    ],
    [
      { DO_NOT_TRACK: " yes " },
      undefined,
      { enabled: false, envOverrideName: "DO_NOT_TRACK", disabledBy: "env" },
    ],
    [{ DO_NOT_TRACK: "0" }, undefined, { enabled: true, envOverrideName: "", disabledBy: "" }],
    [{ DO_NOT_TRACK: " 0 " }, undefined, { enabled: true, envOverrideName: "", disabledBy: "" }],
    [{ DO_NOT_TRACK: "" }, undefined, { enabled: true, envOverrideName: "", disabledBy: "" }],
    [{ DO_NOT_TRACK: "   " }, undefined, { enabled: true, envOverrideName: "", disabledBy: "" }],
    [{ CI: "true" }, undefined, { enabled: false, envOverrideName: "CI", disabledBy: "env" }],
    [{ CI: " TRUE " }, undefined, { enabled: false, envOverrideName: "CI", disabledBy: "env" }],
    [{ CI: "1" }, undefined, { enabled: false, envOverrideName: "CI", disabledBy: "env" }],
    [{ CI: "false" }, undefined, { enabled: true, envOverrideName: "", disabledBy: "" }],
    [{ CI: "yes" }, undefined, { enabled: true, envOverrideName: "", disabledBy: "" }],
    [{ CI: "" }, false, { enabled: false, envOverrideName: "", disabledBy: "config" }],
    [
      { MCPPROXY_TELEMETRY: "false" },
      true,
      { enabled: false, envOverrideName: "MCPPROXY_TELEMETRY=false", disabledBy: "env" },
    ],
    [
      { MCPPROXY_TELEMETRY: " FALSE " },
      true,
      { enabled: false, envOverrideName: "MCPPROXY_TELEMETRY=false", disabledBy: "env" },
    ],
    [
      { MCPPROXY_TELEMETRY: "0" },
      true,
      { enabled: false, envOverrideName: "MCPPROXY_TELEMETRY=false", disabledBy: "env" },
    ],
    [
      { MCPPROXY_TELEMETRY: "Off" },
      true,
      { enabled: false, envOverrideName: "MCPPROXY_TELEMETRY=false", disabledBy: "env" },
    ],
    [
      { MCPPROXY_TELEMETRY: "no" },
      true,
      { enabled: false, envOverrideName: "MCPPROXY_TELEMETRY=false", disabledBy: "env" },
    ],
    [{ MCPPROXY_TELEMETRY: "true" }, false, { enabled: false, envOverrideName: "", disabledBy: "config" }],
    [{ MCPPROXY_TELEMETRY: "true" }, undefined, { enabled: true, envOverrideName: "", disabledBy: "" }],
    [{ MCPPROXY_TELEMETRY: "" }, undefined, { enabled: true, envOverrideName: "", disabledBy: "" }],
    [
      { DO_NOT_TRACK: "1", CI: "true", MCPPROXY_TELEMETRY: "false" },
      false,
      { enabled: false, envOverrideName: "DO_NOT_TRACK", disabledBy: "env" },
    ],
    [
      { CI: "1", MCPPROXY_TELEMETRY: "false" },
      false,
      { enabled: false, envOverrideName: "CI", disabledBy: "env" },
    ],
  ] as const)("%j with config %p", (env, config, expected) => {
    expect(decideOptOut({ env: env, configEnabled: config })).toEqual(expected);
  });
});

const envValue = fc.oneof(
  fc.constantFrom(undefined, "", " ", "0", "1", "true", "TRUE", " false ", "off", "no", "yes", "x"),
  fc.string(),
);
const envArb = fc.record({ DO_NOT_TRACK: envValue, CI: envValue, MCPPROXY_TELEMETRY: envValue });
const configArb = fc.constantFrom(undefined, null, true, false);

describe("decideOptOut properties", () => {
  test("a set DO_NOT_TRACK always wins", () => {
    fc.assert(
      fc.property(envArb, configArb, (env, config) => {
        const dnt = (env.DO_NOT_TRACK ?? "").trim();
        if (dnt === "" || dnt === "0") return;
        expect(decideOptOut({ env: env, configEnabled: config })).toEqual({
          enabled: false,
          envOverrideName: "DO_NOT_TRACK",
          disabledBy: "env",
        });
      }),
    );
  });
  test("the config decides only when no env var turns telemetry off", () => {
    fc.assert(
      fc.property(envArb, configArb, (env, config) => {
        const decision = decideOptOut({ env: env, configEnabled: config });
        if (envOverride(env) !== "") expect(decision.disabledBy).toBe("env");
        else expect(decision.enabled).toBe(config !== false);
      }),
    );
  });
  test("env can only turn telemetry off, never on", () => {
    fc.assert(
      fc.property(envArb, (env) => {
        expect(decideOptOut({ env: env, configEnabled: false }).enabled).toBe(false);
      }),
    );
  });
});

describe("whyOff", () => {
  test.each([
    [{ disabledBy: "", envOverrideName: "" }, ""],
    [{ disabledBy: "env", envOverrideName: "DO_NOT_TRACK" }, "DO_NOT_TRACK is set"],
    [{ disabledBy: "env", envOverrideName: "CI" }, "CI is set"],
    [
      { disabledBy: "env", envOverrideName: "MCPPROXY_TELEMETRY=false" },
      "MCPPROXY_TELEMETRY is set to turn it off",
    ],
    [
      { disabledBy: "config", envOverrideName: "" },
      "turned off in the config; `mcpproxy telemetry enable` turns it back on",
    ],
  ] as const)("%j", (decision, expected) => {
    expect(whyOff(decision)).toBe(expected);
  });
});
