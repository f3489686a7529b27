// `mcpproxy diagnose`: which MCPX_* failure an error text is and what to do, or a histogram of a log's codes.
import { defineCommand } from "../args.ts";
import { type Context, loadContext } from "../context.ts";
import { ERRNOS, TRANSPORTS } from "../core/classify-facts.ts";
import { usageError } from "../errors.ts";
import { globalArgs } from "../global-args.ts";
import { mayFindDaemon } from "../io/daemon-path.ts";
import { printNotice, printResult } from "../io/output.ts";

const INPUT_HINT = "give the error text as arguments, pipe it with `-`, or give --file LOG";

async function readInput(ctx: Context, words: string[]): Promise<string> {
  if (words.length > 0 && !(words.length === 1 && words[0] === "-")) return words.join(" ");
  if (words.length === 0 && ctx.tty.stdin) throw usageError("nothing to classify", INPUT_HINT);
  const { readMessage, MESSAGE_CAP } = await import("../io/log-lines.ts");
  const { text, cut } = await readMessage(process.stdin);
  if (cut) {
    printNotice(
      `mcpproxy: stdin is long; classifying its first ${MESSAGE_CAP.toLocaleString("en")} characters`,
    );
  }
  return text;
}

export default defineCommand({
  meta: {
    name: "diagnose",
    description:
      "Explain an MCP server error: its MCPX_* code and how to fix it (or count the codes in a log)",
  },
  args: {
    ...globalArgs,
    text: {
      type: "positional",
      required: false,
      description: "The error text; `-` reads one message from stdin",
    },
    file: {
      type: "string",
      valueHint: "log",
      description: "Classify each line of a log (`-` reads it from stdin) and count the codes",
    },
    transport: { type: "enum", options: [...TRANSPORTS], description: "The server's transport" },
    "docker-isolated": { type: "boolean", description: "The server runs inside Docker isolation" },
    errno: { type: "enum", options: [...ERRNOS], description: "The system error code" },
    "spawn-path": { type: "string", valueHint: "path", description: "The program that failed to start" },
    "exit-code": {
      type: "string",
      valueHint: "n",
      description: "The server started and exited with this code",
    },
    "timed-out": { type: "boolean", description: "A deadline passed" },
    "http-status": { type: "string", valueHint: "nnn", description: "The HTTP status the server answered" },
    server: {
      type: "string",
      valueHint: "name",
      description: "Take Docker isolation and transport from this server in the config",
    },
    record: { type: "boolean", description: "Add the code(s) to the 24-hour counts of the telemetry" },
  },
  async run({ args }) {
    const ctx = await loadContext(args);
    const words = (args._ as unknown[]).map(String);
    if (args.file !== undefined && words.length > 0) {
      throw usageError("give either error text or --file LOG, not both", INPUT_HINT);
    }
    const { factsFromFlags, factsFromServer } = await import("./diagnose/facts.ts");
    const flagFacts = factsFromFlags(args);
    const needsConfig = args.server !== undefined || args.record;
    const loaded = needsConfig
      ? await (await import("../io/config-store.ts")).loadConfig(ctx.configPath)
      : undefined;
    // Explicit flags win over what the server's config implies.
    const facts = {
      ...(loaded && args.server !== undefined ? factsFromServer(loaded, args.server) : {}),
      ...flagFacts,
    };
    const { classifyError, lineClassifier } = await import("../core/classifier.ts");

    if (args.file !== undefined) {
      const [{ countLog, histogramView }, { histogramJson }] = await Promise.all([
        import("./diagnose/count-log.ts"),
        import("../core/log-histogram.ts"),
      ]);
      const histogram = await countLog(ctx, args.file, lineClassifier(facts));
      await printResult(ctx.out, histogramJson(histogram), () => histogramView(histogram));
      // A log's unclassified lines are ordinary log lines: only its classified codes are recorded.
      if (loaded && args.record)
        await (await import("./diagnose/record.ts")).recordCodes(ctx, loaded, histogram.codes);
      return;
    }

    const text = await readInput(ctx, words);
    const { isBlank } = await import("../core/log-histogram.ts");
    if (isBlank(text)) throw usageError("nothing to classify", INPUT_HINT);
    const [{ catalogEntry }, { entryView }] = await Promise.all([
      import("../core/catalog.ts"),
      import("./diagnostics/entry-view.ts"),
    ]);
    // One message is an error the user asserts, so even MCPX_UNKNOWN_UNCLASSIFIED is recorded. Without a daemon
    // record the daemon's client (and valibot) never loads.
    const input = { text, facts, record: !!args.record };
    const asked = mayFindDaemon(ctx.dataDir)
      ? await (await import("./diagnose/with-daemon.ts")).classifyWithDaemon(ctx, input, loaded)
      : null;
    if (asked) {
      await printResult(ctx.out, asked.entry, () => entryView(ctx.out, asked.entry));
      if (asked.notice) printNotice(asked.notice);
      return;
    }
    const entry = catalogEntry(classifyError(text, facts));
    await printResult(ctx.out, entry, () => entryView(ctx.out, entry));
    if (loaded && args.record) {
      await (await import("./diagnose/record.ts")).recordCodes(ctx, loaded, new Map([[entry.code, 1]]));
    }
  },
});
