// `mcpproxy telemetry log`: the ledger of what was sent; `--show N` prints entry N's body byte for byte.
import { defineCommand } from "../../args.ts";
import { loadContext } from "../../context.ts";
import { printable } from "../../core/printable.ts";
import { CliError, ExitCode, usageError } from "../../errors.ts";
import { globalArgs } from "../../global-args.ts";
import { ledgerPath, readLedger } from "../../io/ledger-store.ts";
import { formatTable, printNotice, printResult, writeStdout } from "../../io/output.ts";

export default defineCommand({
  meta: { name: "log", description: "List the heartbeats and beacons that were sent, with their SHA-256" },
  args: {
    ...globalArgs,
    show: { type: "string", valueHint: "n", description: "Print entry N's body exactly as it was sent" },
  },
  async run({ args }) {
    const ctx = await loadContext(args);
    const { ledger, corrupt } = await readLedger(ctx.dataDir);
    if (corrupt) {
      printNotice(
        `mcpproxy: ${ledgerPath(ctx.dataDir)} is broken; it reads as empty and is set aside at the next send`,
      );
    }
    if (args.show !== undefined) {
      const n = /^\s*\d+\s*$/.test(args.show) ? Number(args.show) : Number.NaN;
      if (!Number.isSafeInteger(n)) throw usageError(`--show takes an entry number, got "${args.show}"`);
      const entry = ledger.entries.find((e) => e.seq === n);
      if (!entry) {
        const held = ledger.entries.length
          ? `it holds #${ledger.entries[0]?.seq} to #${ledger.entries.at(-1)?.seq}`
          : "it is empty";
        throw new CliError(
          `no entry #${n} in the ledger: ${held}`,
          ExitCode.failure,
          "see `mcpproxy telemetry log`",
        );
      }
      await writeStdout(entry.body);
      return;
    }
    const list = ledger.entries.map(({ body, ...rest }) => ({
      ...rest,
      bytes: new TextEncoder().encode(body).length,
    }));
    await printResult(ctx.out, list, () => {
      if (list.length === 0) return "nothing was sent yet";
      const rows = list.map((e) => [
        `#${e.seq}`,
        e.time,
        e.kind,
        e.outcome,
        String(e.bytes),
        e.sha256.slice(0, 16),
        printable(e.url),
      ]);
      return formatTable([["#", "TIME", "KIND", "OUTCOME", "BYTES", "SHA-256", "TO"], ...rows], [4]);
    });
  },
});
