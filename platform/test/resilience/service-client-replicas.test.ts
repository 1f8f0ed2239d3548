import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServiceClient, ServiceCallError } from '../../src/resilience';

const SERVICE_TOKEN = 'service-token-for-tests-0123456789abcdef';

/** A replica that answers every request with its own name and counts them. */
async function startReplica(name: string): Promise<{ url: string; calls: string[]; close: () => Promise<void> }> {
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // The client's kept-alive connections would hold the close.
      server.closeAllConnections();
    });
  return { url, calls, close };
}

/** A URL nothing listens on. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('ServiceClient with several replicas', () => {
  test('When a service has two replicas, then calls alternate between them', async () => {
    // Arrange
    const [a, b] = await Promise.all([startReplica('a'), startReplica('b')]);
    const client = createServiceClient({ service: 'user-service', baseUrl: [a.url, b.url], serviceToken: SERVICE_TOKEN, timeoutMs: 1000 });

    // Act
    const names = [];
    for (let i = 0; i < 4; i++) names.push((await client.get<{ name: string }>('/users/1')).body.name);

    // Assert
    await Promise.all([a.close(), b.close()]);
    expect(names.sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  test('When one replica refuses connections, then every GET is answered by the other, and a POST is not sent twice', async () => {
    // Arrange
    const alive = await startReplica('alive');
    const client = createServiceClient({ service: 'user-service', baseUrl: [await closedUrl(), alive.url], serviceToken: SERVICE_TOKEN, timeoutMs: 1000 });

    // Act
    // At once: each call must resend to the other copy even while the others move the round-robin on.
    const gets = await Promise.all(
      Array.from({ length: 21 }, () => client.get<{ name: string }>('/users/1').then((res) => res.body.name, (error: Error) => error.message)),
    );
    const posts = [];
    for (let i = 0; i < 2; i++) posts.push(await client.request({ method: 'POST', path: '/things', body: {} }).then(() => 'answered', (error: unknown) => (error instanceof ServiceCallError ? error.failure : 'other')));

    // Assert
    await alive.close();
    expect(gets).toEqual(Array.from({ length: 21 }, () => 'alive'));
    expect(posts.sort()).toEqual(['answered', 'network']);
    expect(alive.calls.filter((c) => c.startsWith('POST'))).toHaveLength(1);
  });
});
