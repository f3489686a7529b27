// A loopback collector for the send benchmark: answers every request 200 and prints its URL on stdout.
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request) {
    await request.arrayBuffer();
    return new Response("{}", { status: 200 });
  },
});
console.log(`http://127.0.0.1:${server.port}/v1`);
