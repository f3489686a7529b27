// A loopback collector for tests: records every request and answers as the test says.
export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Collector {
  url: string;
  received: Received[];
  /** Requests to the heartbeat path whose body is a heartbeat (not the opt-out beacon). */
  heartbeats: () => Array<Record<string, unknown>>;
  beacons: () => Array<Record<string, unknown>>;
  stop: () => void;
}

type Answer = (request: Received, index: number) => Response | Promise<Response>;

export function startCollector(answer: Answer = () => new Response("{}", { status: 200 })): Collector {
  const received: Received[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 30,
    async fetch(request) {
      const entry = {
        method: request.method,
        path: new URL(request.url).pathname,
        headers: Object.fromEntries(request.headers),
        body: await request.text(),
      };
      received.push(entry);
      return answer(entry, received.length - 1);
    },
  });
  const parsed = () =>
    received
      .filter((r) => r.path.endsWith("/heartbeat"))
      .map((r) => JSON.parse(r.body) as Record<string, unknown>);
  return {
    url: `http://127.0.0.1:${server.port}/v1`,
    received,
    heartbeats: () => parsed().filter((b) => b.event === undefined),
    beacons: () => parsed().filter((b) => b.event === "telemetry_disabled"),
    stop: () => server.stop(true),
  };
}
