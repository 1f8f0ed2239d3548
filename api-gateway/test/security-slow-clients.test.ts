import { connect } from 'node:net';
import { gatewayConfigSchema } from '../src/config';
import { startTestGateway, tokenFor, type TestGateway } from './support/test-gateway';
import { startUpstreamStub, type UpstreamStub } from './support/upstream-stub';

// Slow-client protection (OWASP API4): a client that sends its headers or body too slowly, or
// never finishes, is cut. start.ts fixes the limits at 10 s (headers) and 30 s (whole request)
// and Node checks them every 30 s, so with the defaults a test would wait up to 40 s. These
// tests run once the gateway's config has CLIENT_HEADERS_TIMEOUT_MS and CLIENT_REQUEST_TIMEOUT_MS
// (and the server checks them at least every second); until then they are skipped.
const shape = gatewayConfigSchema.shape as Record<string, unknown>;
const configurable = 'CLIENT_HEADERS_TIMEOUT_MS' in shape && 'CLIENT_REQUEST_TIMEOUT_MS' in shape;

const HEADERS_TIMEOUT_MS = 500;
const REQUEST_TIMEOUT_MS = 1500;
// Node's connection check runs on an interval; allow one interval of at most a second, plus margin.
const SLACK_MS = 2000;

/** What a scripted client saw: everything the server sent, and when the connection closed. */
interface SlowClientResult {
  response: string;
  closedAfterMs: number;
}

/**
 * Opens a connection and writes each piece after its delay; resolves when the server closes
 * the connection (or after giveUpMs, with closedAfterMs = Infinity).
 */
function slowClient(port: number, pieces: Array<[delayMs: number, text: string]>, giveUpMs = 8000): Promise<SlowClientResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timers: NodeJS.Timeout[] = [];
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ response: Buffer.concat(chunks).toString('latin1'), closedAfterMs: Infinity });
    }, giveUpMs);
    socket.on('connect', () => {
      let at = 0;
      for (const [delayMs, text] of pieces) {
        at += delayMs;
        timers.push(setTimeout(() => socket.writable && socket.write(text), at));
      }
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => {
      clearTimeout(giveUp);
      for (const timer of timers) clearTimeout(timer);
      resolve({ response: Buffer.concat(chunks).toString('latin1'), closedAfterMs: Date.now() - started });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
  });
}

(configurable ? describe : describe.skip)('Slow clients', () => {
  let orders: UpstreamStub;
  let gateway: TestGateway;
  let port: number;
  let token: string;

  beforeAll(async () => {
    orders = await startUpstreamStub();
    gateway = await startTestGateway({
      ORDER_SERVICE_URL: orders.url,
      CLIENT_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      CLIENT_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    port = gateway.running.port;
    token = await tokenFor();
  });

  afterAll(async () => {
    await gateway.stop();
    await orders.close();
  });

  test('When a client sends its headers a line at a time and never ends them, then it is cut within the headers timeout', async () => {
    // Arrange: one header line every 200 ms for 6 s, never the blank line that ends them
    const lines: Array<[number, string]> = [[0, 'GET /api/orders HTTP/1.1\r\nHost: gateway\r\n']];
    for (let i = 0; i < 30; i += 1) lines.push([200, `X-Slow-${i}: 1\r\n`]);

    // Act
    const result = await slowClient(port, lines);

    // Assert
    expect(result.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
    expect(result.response === '' || result.response.startsWith('HTTP/1.1 408')).toBe(true);
  });

  test('When a client declares a body and stops sending it, then it gets 408 within the request timeout and the service never gets a whole request', async () => {
    // Arrange
    const head = `POST /api/orders HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
    const before = orders.requests.length;

    // Act
    const result = await slowClient(port, [[0, head], [0, '{"items":']]);

    // Assert
    expect(result.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
    expect(result.response === '' || result.response.startsWith('HTTP/1.1 408')).toBe(true);
    expect(orders.requests.length).toBe(before);
  });

  test('When a client trickles its body a byte every 100 ms, then it is still cut at the request timeout', async () => {
    // Arrange: never idle long enough for an idle timeout, but 10 s for the whole body
    const head = `POST /api/orders HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
    const pieces: Array<[number, string]> = [[0, head]];
    for (let i = 0; i < 100; i += 1) pieces.push([100, ' ']);

    // Act
    const result = await slowClient(port, pieces, 12_000);

    // Assert
    expect(result.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
  }, 15_000);
});
