import { describe, expect, test } from "bun:test";
import { detectEnvMarkers, envKind, launchSource } from "../../src/core/environment.ts";

const none = {
  has_ci_env: false,
  has_cloud_ide_env: false,
  is_container: false,
  has_tty: false,
  has_display: false,
};

describe("detectEnvMarkers", () => {
  test.each([
    ["bare linux", {}, "linux", false, false, none],
    ["CI=true", { CI: "true" }, "linux", false, false, { ...none, has_ci_env: true }],
    ["CI=false alone", { CI: "false" }, "linux", false, false, none],
    ["GitHub Actions", { GITHUB_ACTIONS: "true" }, "linux", false, false, { ...none, has_ci_env: true }],
    [
      "Codespaces",
      { CODESPACES: "true" },
      "linux",
      true,
      false,
      { ...none, has_cloud_ide_env: true, has_tty: true },
    ],
    ["docker file", {}, "linux", false, true, { ...none, is_container: true }],
    ["podman env", { container: "podman" }, "linux", false, false, { ...none, is_container: true }],
    ["X11", { DISPLAY: ":0" }, "linux", true, false, { ...none, has_display: true, has_tty: true }],
    ["Wayland", { WAYLAND_DISPLAY: "wayland-0" }, "linux", false, false, { ...none, has_display: true }],
    ["macOS", {}, "darwin", false, false, { ...none, has_display: true }],
    ["Windows", {}, "win32", true, false, { ...none, has_display: true, has_tty: true }],
  ])("%s", (_name, env, platform, tty, containerFile, expected) => {
    expect(detectEnvMarkers({ env, platform, tty, containerFile })).toEqual(expected);
  });
});

describe("envKind", () => {
  test.each([
    [{ ...none, has_ci_env: true, has_cloud_ide_env: true, is_container: true }, "linux", "ci"],
    [{ ...none, has_cloud_ide_env: true, is_container: true }, "linux", "cloud_ide"],
    [{ ...none, is_container: true, has_tty: true }, "linux", "container"],
    [{ ...none, has_tty: true }, "linux", "interactive"],
    [{ ...none, has_display: true }, "darwin", "interactive"],
    [none, "linux", "headless"],
    [none, "aix", "unknown"],
  ] as const)("%j on %s → %s", (markers, platform, expected) => {
    expect(envKind(markers, platform)).toBe(expected);
  });
});

describe("launchSource", () => {
  test.each([
    [{ MCPPROXY_LAUNCHED_BY: "installer" }, false, "installer"],
    [{ MCPPROXY_LAUNCHED_BY: " Tray " }, true, "tray"],
    [{ MCPPROXY_LAUNCHED_BY: "/Users/alice/evil" }, true, "cli"],
    [{}, true, "cli"],
    [{}, false, "unknown"],
  ])("%j tty=%p → %s", (env, tty, expected) => {
    expect(launchSource(env, tty)).toBe(expected as never);
  });
});
