// Which kind of environment runs us, from facts gathered by the shell: booleans only.
import type { Env } from "./env.ts";
import { ciIsOn } from "./optout.ts";
import type { EnvMarkers, LAUNCH_SOURCES, Payload } from "./payload-schema.ts";

// Variables that CI services set; `CI` itself counts only as "true"/"1", as in the opt-out rule.
const CI_VARS = [
  "GITHUB_ACTIONS",
  "GITLAB_CI",
  "BUILDKITE",
  "CIRCLECI",
  "TRAVIS",
  "JENKINS_URL",
  "TF_BUILD",
  "TEAMCITY_VERSION",
  "BITBUCKET_BUILD_NUMBER",
  "CODEBUILD_BUILD_ID",
  "DRONE",
  "APPVEYOR",
  "SEMAPHORE",
  "CIRRUS_CI",
  "BITRISE_IO",
  "WOODPECKER_CI",
];
const CLOUD_IDE_VARS = [
  "CODESPACES",
  "GITPOD_WORKSPACE_ID",
  "CLOUD_SHELL",
  "REPL_ID",
  "CODER",
  "CODESANDBOX_HOST",
  "CHE_WORKSPACE_ID",
  "DEVPOD",
  "IDX_CHANNEL",
  "C9_PROJECT",
];

export interface EnvFacts {
  env: Env;
  platform: string;
  tty: boolean;
  /** /.dockerenv or /run/.containerenv exists. */
  containerFile: boolean;
}

const set = (env: Env, name: string) => (env[name] ?? "").trim() !== "";

export function detectEnvMarkers({ env, platform, tty, containerFile }: EnvFacts): EnvMarkers {
  return {
    has_ci_env: ciIsOn(env) || CI_VARS.some((n) => set(env, n)),
    has_cloud_ide_env: CLOUD_IDE_VARS.some((n) => set(env, n)),
    is_container: containerFile || set(env, "container") || set(env, "KUBERNETES_SERVICE_HOST"),
    has_tty: tty,
    // macOS and Windows always have a desktop session; elsewhere a display server is announced.
    has_display:
      platform === "darwin" || platform === "win32" || set(env, "DISPLAY") || set(env, "WAYLAND_DISPLAY"),
  };
}

/** The first that applies: ci, cloud_ide, container, interactive (TTY or display), headless (Linux-like, neither). */
export function envKind(markers: EnvMarkers, platform: string): Payload["env_kind"] {
  if (markers.has_ci_env) return "ci";
  if (markers.has_cloud_ide_env) return "cloud_ide";
  if (markers.is_container) return "container";
  if (markers.has_tty || markers.has_display) return "interactive";
  return ["linux", "freebsd", "openbsd", "netbsd"].includes(platform) ? "headless" : "unknown";
}

export function launchSource(env: Env, tty: boolean): (typeof LAUNCH_SOURCES)[number] {
  const by = (env.MCPPROXY_LAUNCHED_BY ?? "").trim().toLowerCase();
  if (by === "installer" || by === "tray") return by;
  return tty ? "cli" : "unknown";
}
