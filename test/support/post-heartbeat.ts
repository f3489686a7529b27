// Runs postHeartbeat for each request read as JSON from stdin and prints the outcomes: the Deno side of its tests.
import { type PostRequest, postHeartbeat } from "../../src/io/heartbeat-post.ts";

const chunks: Uint8Array[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
const requests = JSON.parse(Buffer.concat(chunks).toString("utf8")) as PostRequest[];
const outcomes = [];
for (const request of requests) outcomes.push(await postHeartbeat(request));
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
