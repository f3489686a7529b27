// The privacy gate: each rule, the words a machine may be named without blocking, and canaries anywhere.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { buildPayload } from "../../src/core/payload.ts";
import { BUILTIN_TOOLS, type Payload, REST_ROUTES } from "../../src/core/payload-schema.ts";
import {
  checkPrivacy,
  homeBaseOf,
  type PrivacySecrets,
  privacySecrets,
  TOKEN_VARS,
} from "../../src/core/privacy-gate.ts";
import { emptyUsage } from "../../src/core/usage.ts";
import { FIXTURES } from "../support/cli.ts";
import { payloadInputs, TEST_ID } from "../support/payload-inputs.ts";

const SECRETS: PrivacySecrets = {
  hostName: "alice-laptop.example.com",
  homeBase: "alice",
  tokens: [
    { name: "GITHUB_TOKEN", value: "ghp_0123456789abcdef" },
    { name: "OPENAI_API_KEY", value: 'sk-"quoted\\slash' },
  ],
};

const clean = (): Payload => buildPayload(payloadInputs({}));

/** A payload with every counter set and some doctor checks: more strings for a value to hide among. */
function rich(): Payload {
  const usage = emptyUsage();
  usage.surface_requests = { mcp: 1000, cli: 2, webui: 3, tray: 4, unknown: 5 };
  for (const tool of BUILTIN_TOOLS) usage.builtin_tool_calls[tool] = 7;
  for (const route of REST_ROUTES) usage.rest_endpoint_calls[route] = { "2xx": 1, "4xx": 2, "5xx": 3 };
  usage.doctor_checks = { config_valid: { pass: 1, fail: 0 }, disk_space: { pass: 0, fail: 1 } };
  usage.error_category_counts = { docker_pull_failed: 1 };
  usage.error_code_counts_24h = { MCPX_DOCKER_CLI_NOT_FOUND: 2 };
  usage.upstream_tool_calls = 50;
  const doc = { mcpServers: [{ oauth: {}, url: "https://github.com" }], docker_isolation: { enabled: true } };
  return buildPayload(payloadInputs(doc, { usage, version: "dev", uptimeHours: 1000 }));
}

const check = (payload: unknown, secrets = SECRETS) =>
  checkPrivacy(JSON.stringify(payload), payload, secrets);
const withKey = (payload: Payload, key: string, value: unknown) => ({ ...payload, [key]: value });

describe("checkPrivacy blocks", () => {
  test.each<[string, (p: Payload) => unknown, { rule: string; pattern: string }]>([
    [
      "a macOS home path",
      (p) => withKey(p, "x", "/Users/bob/x"),
      { rule: "path_prefix", pattern: "/Users/" },
    ],
    ["a Linux home path", (p) => withKey(p, "x", "/home/bob"), { rule: "path_prefix", pattern: "/home/" }],
    [
      "a Windows home path, as JSON escapes it",
      (p) => withKey(p, "x", "C:\\Users\\bob\\AppData"),
      { rule: "path_prefix", pattern: "C:\\\\Users\\\\" },
    ],
    [
      "a macOS temp path",
      (p) => withKey(p, "x", "/var/folders/xy/T/a"),
      { rule: "path_prefix", pattern: "/var/folders/" },
    ],
    [
      "a path in another case",
      (p) => withKey(p, "x", "/HOME/bob"),
      { rule: "path_prefix", pattern: "/home/" },
    ],
    [
      "the host name in a version's build part (schema-valid)",
      (p) => ({ ...p, version: "v1.2.3+alice-laptop.example.com" }),
      { rule: "host_name", pattern: "alice-laptop.example.com" },
    ],
    [
      "the host name's first label",
      (p) => ({ ...p, previous_version: "v1.0.0-alice-laptop" }),
      { rule: "host_name", pattern: "alice-laptop" },
    ],
    [
      "the host name as an unknown key, in upper case",
      (p) => withKey(p, "ALICE-LAPTOP", 1),
      { rule: "host_name", pattern: "alice-laptop" },
    ],
    [
      "the home folder's name as a word",
      (p) => ({ ...p, runtime_version: "bun alice" }),
      { rule: "home_folder", pattern: "alice" },
    ],
    [
      "the home folder's name as a word of a doctor check",
      (p) => ({ ...p, doctor_checks: { alice_disk: { pass: 1, fail: 0 } } }),
      { rule: "home_folder", pattern: "alice" },
    ],
    [
      "a token glued inside a longer string",
      (p) => ({ ...p, doctor_checks: { xghp_0123456789abcdefx: { pass: 1, fail: 0 } } }),
      { rule: "token:GITHUB_TOKEN", pattern: "GITHUB_TOKEN" },
    ],
    [
      "a token with a quote and a backslash, found in its escaped form",
      (p) => withKey(p, "note", 'key sk-"quoted\\slash here'),
      { rule: "token:OPENAI_API_KEY", pattern: "OPENAI_API_KEY" },
    ],
    [
      "an unknown key in env_markers",
      (p) => ({ ...p, env_markers: { ...p.env_markers, bobsecret: true } }),
      { rule: "shape", pattern: "env_markers.*: unknown key" },
    ],
    [
      "a marker that is not a boolean",
      (p) => ({ ...p, env_markers: { ...p.env_markers, has_tty: "bobsecret" } }),
      { rule: "shape", pattern: "env_markers.has_tty: expected boolean" },
    ],
    [
      "an enum field outside its values",
      (p) => ({ ...p, env_kind: "bobsecret" }),
      {
        rule: "shape",
        pattern:
          'env_kind: expected ("interactive" | "ci" | "cloud_ide" | "container" | "headless" | "unknown")',
      },
    ],
    [
      "a map key outside its fixed set",
      (p) => ({ ...p, builtin_tool_calls: { bobsecret_tool: 1 } }),
      { rule: "shape", pattern: "builtin_tool_calls.*: unknown key" },
    ],
    [
      "a route that is a raw path",
      (p) => ({ ...p, rest_endpoint_calls: { "GET /api/v1/x/bobsecret": { "2xx": 1 } } }),
      { rule: "shape", pattern: "rest_endpoint_calls.*: unknown key" },
    ],
    [
      "an unknown top-level key",
      (p) => withKey(p, "bobsecret", true),
      { rule: "shape", pattern: "*: unknown key" },
    ],
    [
      "a doctor check name outside its pattern",
      (p) => ({ ...p, doctor_checks: { "Bob Secret": { pass: 1, fail: 0 } } }),
      { rule: "shape", pattern: "doctor_checks.*: expected /^[a-z_][a-z0-9_]*$/" },
    ],
  ])("%s", (_name, mutate, expected) => {
    const block = check(mutate(clean()));
    expect(block).toEqual(expected as never);
    // The result is logged: it never carries a token, nor the shape rule the offending value.
    const said = JSON.stringify(block);
    for (const token of SECRETS.tokens) expect(said).not.toContain(JSON.stringify(token.value).slice(1, -1));
    expect(said).not.toContain("bobsecret");
    expect(said.toLowerCase()).not.toContain("bob secret");
  });

  test("a body that is not the payload is refused, so the gate judges the bytes that leave", () => {
    const payload = clean();
    expect(checkPrivacy(JSON.stringify({ ...payload, uptime_hours: 1 }), payload, SECRETS)).toEqual({
      rule: "shape",
      pattern: "(root): the body differs from the payload",
    });
    expect(checkPrivacy("{", payload, SECRETS)).toEqual({
      rule: "shape",
      pattern: "(root): the body is not JSON",
    });
  });

  test("rules run in the spec's order: paths, host, home, tokens, shape", () => {
    const all = {
      ...clean(),
      a: "/home/x",
      b: "alice-laptop",
      c: "alice",
      d: "ghp_0123456789abcdef",
      env_kind: "nope",
    };
    const rules: string[] = [];
    let payload: Record<string, unknown> = all;
    for (const key of ["a", "b", "c", "d", "env_kind"]) {
      rules.push(check(payload)?.rule ?? "none");
      const { [key]: _dropped, ...rest } = payload;
      payload = key === "env_kind" ? { ...rest, env_kind: "interactive" } : rest;
    }
    expect(rules).toEqual(["path_prefix", "host_name", "home_folder", "token:GITHUB_TOKEN", "shape"]);
  });
});

describe("checkPrivacy passes", () => {
  test("a clean payload and a rich one", () => {
    expect(check(clean())).toBeNull();
    expect(check(rich())).toBeNull();
  });

  // Common machine names that are also words of the payload: a match there would block every send.
  const words = ["linux", "amd64", "arm64", "cli", "mcp", "tray", "server", "docker", "dev", "personal"];
  const more = ["unknown", "github", "google", "api", "status", "code", "auth", "tools", "direct", "absent"];
  test.each([...words, ...more, "root", "runner", "ubuntu", "localhost", "vscode", "2026", "1000", "1-10"])(
    "a machine or home folder named %p",
    (word) => {
      expect(check(rich(), { hostName: word, homeBase: word, tokens: [] })).toBeNull();
      expect(check(clean(), { hostName: word, homeBase: word, tokens: [] })).toBeNull();
    },
  );

  test("a short name that is only part of a UUID or a longer word", () => {
    const id = TEST_ID.split("-")[1] ?? ""; // "4a53" occurs inside the anonymous id
    expect(check(clean(), { hostName: id, homeBase: "ali", tokens: [] })).toBeNull();
    const payload = { ...clean(), doctor_checks: { malice_check: { pass: 1, fail: 0 } } };
    expect(check(payload, { hostName: "x", homeBase: "alice", tokens: [] })).toBeNull();
  });

  test("but a name equal to a whole UUID or timestamp blocks", () => {
    expect(check(clean(), { hostName: TEST_ID, homeBase: "", tokens: [] })?.rule).toBe("host_name");
    expect(check(clean(), { hostName: "x", homeBase: "2026-11-24T10:20:30Z", tokens: [] })?.rule).toBe(
      "home_folder",
    );
  });

  test("a short name that is a word of a doctor check blocks: check names are free text", () => {
    const payload = { ...clean(), doctor_checks: { docker_engine: { pass: 1, fail: 0 } } };
    expect(check(payload, { hostName: "docker", homeBase: "", tokens: [] })).toEqual({
      rule: "host_name",
      pattern: "docker",
    });
  });

  test("values shorter than 3 characters are ignored", () => {
    const payload = { ...clean(), version: "v1.2.3-ab", runtime_version: "bun x" };
    expect(
      check(payload, { hostName: "ab", homeBase: "x", tokens: [{ name: "GITHUB_TOKEN", value: "ab" }] }),
    ).toBeNull();
  });
});

describe("privacySecrets", () => {
  test("reads the five token variables, drops short ones, takes the home folder's last part", () => {
    const env = {
      GITHUB_TOKEN: "ghp_x",
      GITLAB_TOKEN: "ab",
      OPENAI_API_KEY: "",
      ANTHROPIC_API_KEY: "sk-ant-1",
      GOOGLE_API_KEY: "g00gle",
      OTHER_TOKEN: "nope-not-read",
    };
    expect(privacySecrets(env, "box", "/home/alice/")).toEqual({
      hostName: "box",
      homeBase: "alice",
      tokens: [
        { name: "GITHUB_TOKEN", value: "ghp_x" },
        { name: "ANTHROPIC_API_KEY", value: "sk-ant-1" },
        { name: "GOOGLE_API_KEY", value: "g00gle" },
      ],
    });
    expect(TOKEN_VARS).toHaveLength(5);
  });

  test.each([
    ["/home/alice", "alice"],
    ["/Users/bob/", "bob"],
    ["C:\\Users\\carol", "carol"],
    ["C:\\Users\\carol\\", "carol"],
    ["/", ""],
    ["", ""],
  ])("home %p → %p", (home, base) => {
    expect(homeBaseOf(home)).toBe(base);
  });
});

describe("canaries", () => {
  const canary = fc.stringMatching(/^[a-z][a-z0-9]{5,20}$/).map((s) => `canary${s}`);

  function canaryWorld(secret: string) {
    const doc = {
      api_key: secret,
      listen: `127.0.0.1:${secret}`,
      telemetry: { endpoint: `https://${secret}.example.com` },
      mcpServers: [
        {
          name: `${secret}-server`,
          command: `/home/${secret}/bin/uvx`,
          args: ["--token", `${secret}-arg`],
          url: `https://mcp.${secret}.example.com/sse`,
          oauth: { client_id: `${secret}-client`, tenant: `${secret}-tenant` },
          env: { GITHUB_TOKEN: `ghp_${secret}` },
          enabled: true,
        },
      ],
    };
    const env = Object.fromEntries(TOKEN_VARS.map((name) => [name, `${name.toLowerCase()}-${secret}`]));
    const secrets = privacySecrets(env, `${secret}-host`, `/home/${secret}home`);
    return { payload: buildPayload(payloadInputs(doc)), secrets };
  }

  test("config and env canaries never reach the payload, and the gate passes it", () => {
    fc.assert(
      fc.property(canary, (secret) => {
        const { payload, secrets } = canaryWorld(secret);
        const body = JSON.stringify(payload);
        expect(body).not.toContain("canary");
        expect(checkPrivacy(body, payload, secrets)).toBeNull();
      }),
      { numRuns: 100 },
    );
  });

  /** Every place a value can go: each object (as a new key) and each leaf (replaced, or a word added). */
  function spots(value: unknown, path: (string | number)[] = []): (string | number)[][] {
    if (value === null || typeof value !== "object") return [path];
    const children = Object.entries(value).flatMap(([k, v]) =>
      spots(v, [...path, Array.isArray(value) ? Number(k) : k]),
    );
    return [path, ...children];
  }

  function inject(payload: Payload, path: (string | number)[], text: string, glue: string): unknown {
    const copy = structuredClone(payload) as Record<string | number, unknown>;
    if (path.length === 0) return { ...copy, [text]: 1 };
    let parent: Record<string | number, unknown> = copy;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const last = path.at(-1) as string | number;
    const old = parent[last];
    if (Array.isArray(old)) old.push(text);
    else if (old !== null && typeof old === "object") (old as Record<string, unknown>)[text] = 1;
    else parent[last] = typeof old === "string" && glue !== "replace" ? `${old}${glue}${text}` : text;
    return copy;
  }

  test("a run-time value injected anywhere is blocked by its own rule", () => {
    const base = rich();
    const places = spots(base);
    const which = fc.constantFrom(
      { pick: (s: PrivacySecrets) => s.hostName, rule: "host_name", minGlue: false },
      { pick: (s: PrivacySecrets) => s.homeBase, rule: "home_folder", minGlue: false },
      { pick: (s: PrivacySecrets) => s.tokens[0]?.value ?? "", rule: "token:GITHUB_TOKEN", minGlue: true },
    );
    const token = fc.stringMatching(/^[A-Za-z0-9_"\\-]{5,40}$/).map((s) => `tok${s}`);
    fc.assert(
      fc.property(
        canary,
        token,
        which,
        fc.nat(places.length - 1),
        fc.constantFrom("replace", "-", " ", "+", ""),
        (secret, tokenValue, target, at, glue) => {
          const secrets: PrivacySecrets = {
            hostName: `${secret}-host`,
            homeBase: `${secret.slice(0, 7)}`,
            tokens: [{ name: "GITHUB_TOKEN", value: tokenValue }],
          };
          const value = target.pick(secrets);
          // Glued without a separator, only a long value must be found (a short one is a word).
          const glueUsed = glue === "" && !target.minGlue && value.length < 8 ? "-" : glue;
          const mutated = inject(base, places[at] ?? [], value, glueUsed);
          const block = checkPrivacy(JSON.stringify(mutated), mutated, secrets);
          expect(block?.rule).toBe(target.rule);
        },
      ),
      { numRuns: 300 },
    );
  });

  test.each(readdirSync(FIXTURES).filter((f) => f.endsWith(".json")))(
    "fixture %s: its real payload passes the gate on this machine and with fake secrets",
    (file) => {
      const doc = JSON.parse(readFileSync(join(FIXTURES, file), "utf8"));
      const payload = buildPayload(payloadInputs(doc));
      const body = JSON.stringify(payload);
      expect(checkPrivacy(body, payload, privacySecrets(process.env, hostname(), homedir()))).toBeNull();
      expect(checkPrivacy(body, payload, SECRETS)).toBeNull();
    },
  );
});
