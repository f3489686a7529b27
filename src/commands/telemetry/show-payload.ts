// `mcpproxy telemetry show-payload`: the exact next heartbeat as pretty JSON on stdout, from the daemon or offline.
import { defineCommand } from "../../args.ts";
import { loadContext } from "../../context.ts";
import { printable } from "../../core/printable.ts";
import { globalArgs } from "../../global-args.ts";
import { readConfig } from "../../io/config-read.ts";
import { printNotice, writeStdout } from "../../io/output.ts";

export default defineCommand({
  meta: {
    name: "show-payload",
    description: "Print the next heartbeat exactly as it would be sent (no network)",
  },
  args: {
    ...globalArgs,
    sha256: {
      type: "boolean",
      description: "Print only the SHA-256 of the exact body `telemetry send` would post now",
    },
  },
  async run({ args }) {
    const ctx = await loadContext(args);
    // The config first: when it is broken (exit 4) nothing else is read or said. The code that checks it, builds
    // the payload and runs the privacy gate loads while Bun's I/O threads read it.
    const [read, { configFrom }, { nextPayload }, { privacySecrets, checkPrivacy }, { hostname }] =
      await Promise.all([
        readConfig(ctx.configPath),
        import("../../io/config-store.ts"),
        import("./next-payload.ts"),
        import("../../core/privacy-gate.ts"),
        import("node:os"),
      ]);
    const { config } = await configFrom(ctx.configPath, read);
    const { body, payload } = await nextPayload(ctx, config);
    if (args.sha256) {
      const { sha256Hex } = await import("../../io/ledger-store.ts");
      await writeStdout(`${await sha256Hex(body)}\n`);
    } else {
      await writeStdout(body);
    }
    // Shown even when the gate would block it; stderr then says which rule would.
    const block = checkPrivacy(body, payload, privacySecrets(ctx.env, hostname(), ctx.home));
    if (block) {
      printNotice(
        `mcpproxy: the privacy gate would block this heartbeat (rule ${block.rule}, matched ${printable(block.pattern)}); it would not be sent`,
      );
    }
  },
});
