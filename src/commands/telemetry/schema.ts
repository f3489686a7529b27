// `mcpproxy telemetry schema`: the payload's JSON Schema, generated from the valibot schema.
import { defineCommand } from "../../args.ts";
import { globalArgs, outputFrom } from "../../global-args.ts";

export default defineCommand({
  meta: { name: "schema", description: "Print the JSON Schema of the heartbeat payload" },
  args: globalArgs,
  async run({ args }) {
    // Always JSON, but contradictory output flags are still a usage error rather than ignored.
    outputFrom(args);
    const [{ toJsonSchema }, { PayloadSchema }, { printJson }] = await Promise.all([
      import("@valibot/to-json-schema"),
      import("../../core/payload-schema.ts"),
      import("../../io/output.ts"),
    ]);
    const schema = toJsonSchema(PayloadSchema, { errorMode: "throw" });
    await printJson({
      ...schema,
      $id: "https://mcpproxy.app/schemas/heartbeat-v5.json",
      title: "MCPProxy heartbeat, schema 5",
    });
  },
});
