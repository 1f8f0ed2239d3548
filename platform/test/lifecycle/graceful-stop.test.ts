import { Agent, createServer, get, type IncomingMessage, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeServer, Drain, listen, portOf } from '../../src/lifecycle';
import { setLoggingSilent } from '../../src/logging';

/** Answers /slow after 300 ms, everything else at once. */
const app: RequestListener = (req, res) => {
  const answer = () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  if (req.url === '/slow') setTimeout(answer, 300);
  else answer();
};

function fetchVia(agent: Agent, port: number, path: string): Promise<IncomingMessage & { text: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve(Object.assign(res, { text })));
    }).on('error', reject);
  });
}

beforeAll(() => setLoggingSilent(true));

describe('Drain', () => {
  test('When a service drains, then /ready answers 503 for the drain time while every other route is still served', async () => {
    // Arrange
    const drain = new Drain();
    const server = await listen(drain.wrap(app), 0);
    const agent = new Agent({ keepAlive: true });
    const port = portOf(server);
    expect((await fetchVia(agent, port, '/ready')).statusCode).toBe(200);

    // Act
    const started = Date.now();
    const drained = drain.drain(400);
    const [ready, other] = await Promise.all([fetchVia(agent, port, '/ready'), fetchVia(agent, port, '/orders')]);
    await drained;

    // Assert
    expect(ready.statusCode).toBe(503);
    expect(JSON.parse(ready.text)).toEqual({ status: 'not-ready', checks: { shutdown: { ok: false, error: 'draining' } } });
    expect(other.statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    agent.destroy();
    await closeServer(server, 1000);
  });
});

describe('closeServer', () => {
  test('When a request is in flight on a kept-alive connection, then it is answered with Connection: close and the server closes right after, long before the timeout', async () => {
    // Arrange
    const server = await listen(app, 0);
    const port = portOf(server);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    await fetchVia(agent, port, '/warm-up'); // the connection is now idle and kept alive
    const inFlight = fetchVia(agent, port, '/slow');
    await sleep(50);

    // Act
    const started = Date.now();
    await closeServer(server, 5000);
    const answer = await inFlight;

    // Assert
    expect(answer.statusCode).toBe(200);
    expect(answer.headers.connection).toBe('close');
    expect(Date.now() - started).toBeLessThan(2000);
    agent.destroy();
  });

  test('When nothing is in flight, then idle kept-alive connections are closed at once', async () => {
    // Arrange
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new Agent({ keepAlive: true });
    await fetchVia(agent, (server.address() as AddressInfo).port, '/warm-up');

    // Act
    const started = Date.now();
    await closeServer(server, 5000);

    // Assert
    expect(Date.now() - started).toBeLessThan(1000);
    agent.destroy();
  });
});
