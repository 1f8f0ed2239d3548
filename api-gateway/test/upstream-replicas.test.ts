import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { startTestGateway, tokenFor, type TestGateway } from './support/test-gateway';
import { closedPortUrl, echo, startUpstreamStub, type StubHandler, type UpstreamStub } from './support/upstream-stub';

/** A replica whose /ready answers `ready()` (200 or 503) and that echoes everything else. */
const replica = (ready: () => boolean): StubHandler => (req, res, body) => {
  if (req.url === '/ready') return void res.writeHead(ready() ? 200 : 503, { 'content-type': 'application/json' }).end('{}');
  echo(req, res, body);
};

const PROBE_MS = 50;

describe('Several replicas of a service', () => {
  let first: UpstreamStub;
  let second: UpstreamStub;
  let firstReady = true;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    [first, second] = await Promise.all([startUpstreamStub(replica(() => firstReady)), startUpstreamStub(replica(() => true))]);
    gateway = await startTestGateway({ ORDER_SERVICE_URL: `${first.url},${second.url}`, UPSTREAM_PROBE_INTERVAL_MS: String(PROBE_MS) });
    token = await tokenFor();
  });

  afterAll(async () => {
    await gateway.stop();
    await Promise.all([first.close(), second.close()]);
  });

  const proxiedTo = (stub: UpstreamStub) => stub.requests.filter((r) => r.url.startsWith('/orders')).length;

  test('When both replicas are ready, then requests alternate between them', async () => {
    // Arrange
    const before = [proxiedTo(first), proxiedTo(second)];

    // Act
    for (let i = 0; i < 10; i++) await request(gateway.url).get('/api/orders').set('Authorization', `Bearer ${token}`).expect(200);

    // Assert
    expect([proxiedTo(first) - before[0]!, proxiedTo(second) - before[1]!]).toEqual([5, 5]);
  });

  test('When a replica answers 503 on /ready (it drains), then no request goes to it until it is ready again', async () => {
    // Arrange
    firstReady = false;
    await sleep(PROBE_MS * 4);
    const before = proxiedTo(first);

    // Act
    for (let i = 0; i < 10; i++) await request(gateway.url).post('/api/orders').set('Authorization', `Bearer ${token}`).send({ items: [] }).expect(200);
    const whileDraining = proxiedTo(first) - before;
    firstReady = true;
    await sleep(PROBE_MS * 4);
    for (let i = 0; i < 10; i++) await request(gateway.url).get('/api/orders').set('Authorization', `Bearer ${token}`).expect(200);

    // Assert
    expect(whileDraining).toBe(0);
    expect(proxiedTo(first) - before).toBe(5);
  });
});

describe('A replica that refuses connections', () => {
  let alive: UpstreamStub;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    alive = await startUpstreamStub();
    // Polled rarely: the refused connection itself must send the request elsewhere.
    gateway = await startTestGateway({ ORDER_SERVICE_URL: `${await closedPortUrl()},${alive.url}`, UPSTREAM_PROBE_INTERVAL_MS: '60000' });
    token = await tokenFor();
  });

  afterAll(async () => {
    await gateway.stop();
    await alive.close();
  });

  test('When a request without a body meets the refusing replica, then it is sent to the other one and answered', async () => {
    // Act
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await request(gateway.url).get('/api/orders').set('Authorization', `Bearer ${token}`)).status);

    // Assert
    expect(answers).toEqual([200, 200, 200, 200]);
  });
});
