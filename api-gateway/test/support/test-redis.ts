import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { createClient } from 'redis';

/** The machine's Redis (no password), the one the tests count in. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The test Redis's port, for proxies put in front of it. */
export const TEST_REDIS_PORT = Number(new URL(TEST_REDIS_URL).port || 6379);

const testRedisClient = () => createClient({ url: TEST_REDIS_URL });
type TestRedisClient = ReturnType<typeof testRedisClient>;

/**
 * A key prefix of this test file's own, and a client to read what the gateways wrote; every key
 * under the prefix is deleted after the file. Call in a describe.
 */
export function useRedisKeyPrefix(): { prefix: string; redis: () => TestRedisClient } {
  const prefix = `test:gateway:${randomUUID()}:`;
  const client = testRedisClient();

  beforeAll(async () => {
    await client.connect();
  });

  afterAll(async () => {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch);
    if (keys.length > 0) await client.del(keys);
    client.destroy();
  });

  return { prefix, redis: () => client };
}

/**
 * A TCP proxy in front of Redis that can freeze: connections stay open but no byte passes until
 * thawed, as when Redis hangs or the network stalls (the case only a timeout covers).
 */
export class FreezableProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private frozen = false;
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(from);
        if (this.frozen) from.pause();
        from.on('error', () => to.destroy());
        from.on('close', () => {
          this.sockets.delete(from);
          to.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** From now on nothing is read from either side (bytes wait in the kernel's buffers). */
  freeze(): void {
    this.frozen = true;
    for (const socket of this.sockets) socket.pause();
  }

  /** Bytes flow again, the held ones first. */
  thaw(): void {
    this.frozen = false;
    for (const socket of this.sockets) socket.resume();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Sum of one metric's samples in a Prometheus text page whose labels include every given pair. */
export function metricSum(page: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of page.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
