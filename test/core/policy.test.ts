import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { decideOptOut } from "../../src/core/optout.ts";
import { type Policy, parsePolicy, policyPath, policyTurnsOff } from "../../src/core/policy.ts";

describe("parsePolicy", () => {
  test.each([
    ['{"telemetry": "off"}', { state: "off", path: "/p" }],
    ['{"telemetry": "user"}', { state: "user", path: "/p" }],
    ['{"telemetry": "on"}', { state: "invalid", path: "/p", problem: '"telemetry" must be "off" or "user"' }],
    ["{}", { state: "invalid", path: "/p", problem: '"telemetry" must be "off" or "user"' }],
    [
      '{"telemetry": "off", "x": 1}',
      { state: "invalid", path: "/p", problem: 'it has a key this version does not know: "x"' },
    ],
    ["[]", { state: "invalid", path: "/p", problem: 'it must be an object like {"telemetry": "off"}' }],
    ["null", { state: "invalid", path: "/p", problem: 'it must be an object like {"telemetry": "off"}' }],
    ["", { state: "invalid", path: "/p", problem: "it is not valid JSON" }],
  ])("%s", (text, expected) => {
    expect(parsePolicy("/p", text)).toEqual(expected as Policy);
  });
});

describe("policyPath", () => {
  test.each([
    [{}, "linux", "/etc/mcpproxy/policy.json"],
    [{}, "darwin", "/etc/mcpproxy/policy.json"],
    [{ ProgramData: "D:\\PD" }, "win32", "D:\\PD\\mcpproxy\\policy.json"],
    [{}, "win32", "C:\\ProgramData\\mcpproxy\\policy.json"],
    [{ MCPPROXY_POLICY_FILE: " /tmp/p.json " }, "linux", "/tmp/p.json"],
  ])("%j on %s", (env, platform, expected) => {
    expect(policyPath(env, platform)).toBe(expected);
  });
});

describe("the policy in the decision", () => {
  const policies = fc.constantFrom<Policy>(
    { state: "absent", path: "/p" },
    { state: "off", path: "/p" },
    { state: "user", path: "/p" },
    { state: "invalid", path: "/p", problem: "x" },
  );
  const env = fc.record({
    DO_NOT_TRACK: fc.constantFrom(undefined, "", "0", "1"),
    CI: fc.constantFrom(undefined, "true", "false"),
    MCPPROXY_TELEMETRY: fc.constantFrom(undefined, "false", "true"),
  });
  const config = fc.constantFrom(undefined, null, true, false);

  test("an off or invalid policy wins over every other source; absent or user changes nothing", () => {
    fc.assert(
      fc.property(policies, env, config, (policy, e, configEnabled) => {
        const withPolicy = decideOptOut({ env: e, configEnabled, policy });
        const without = decideOptOut({ env: e, configEnabled });
        if (policyTurnsOff(policy)) {
          expect(withPolicy).toMatchObject({ enabled: false, disabledBy: "policy", policy });
        } else {
          expect(withPolicy).toEqual(without);
        }
      }),
    );
  });
});
