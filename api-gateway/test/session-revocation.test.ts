import { randomUUID } from 'node:crypto';
import { createEnvelope } from '@shop/platform/messaging';
import { deleteTopology, publishRaw, TEST_BROKER_URL, uniqueExchangeName, waitFor } from '@shop/platform/testing';
import request from 'supertest';
import { startTestGateway, tokenFor, type TestGateway } from './support/test-gateway';
import { closedPortUrl, startUpstreamStub, type UpstreamStub } from './support/upstream-stub';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Session revocations (user.sessions_revoked, user.deleted)', () => {
  const exchange = uniqueExchangeName('test.api-gateway');
  let services: UpstreamStub;
  const gateways: TestGateway[] = [];

  const startGateway = async (env: Record<string, string> = {}) => {
    const gateway = await startTestGateway({
      USER_SERVICE_URL: services.url,
      ORDER_SERVICE_URL: services.url,
      RABBITMQ_URL: TEST_BROKER_URL,
      EVENTS_EXCHANGE: exchange,
      ...env,
    });
    gateways.push(gateway);
    return gateway.url;
  };
  /** The feed connects in the background (the gateway never waits for the broker): wait until it has. */
  const feedConnected = (url: string) =>
    waitFor(async () => /^messaging_broker_connected 1$/m.test(await (await fetch(`${url}/metrics`)).text()), { what: 'the revocation feed to connect' });
  const getOrders = (url: string, token: string) => request(url).get('/api/orders').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    services = await startUpstreamStub();
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await services.close();
    await deleteTopology(TEST_BROKER_URL, { exchanges: [exchange] });
  });

  test('When a password change is announced, then every gateway refuses the tokens issued before it at once (401 token-revoked), cached ones included', async () => {
    const [first, second] = [await startGateway(), await startGateway()];
    await feedConnected(first);
    const userId = randomUUID();
    const oldToken = await tokenFor({ userId });
    await getOrders(first, oldToken).expect(200);
    await getOrders(second, oldToken).expect(200);
    await pause(5);
    const revokedBefore = new Date();
    await pause(5);

    await publishRaw(exchange, createEnvelope('user.sessions_revoked', 1, { userId, revokedBefore: revokedBefore.toISOString(), reason: 'password_changed' }));

    await waitFor(async () => (await getOrders(first, oldToken)).status === 401, { what: 'the first gateway to refuse the old token' });
    await waitFor(async () => (await getOrders(second, oldToken)).status === 401, { what: 'the second gateway to refuse the old token' });
    const refused = await getOrders(first, oldToken);
    expect(refused.body).toEqual({ code: 'token-revoked', message: expect.any(String) });
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    expect((await getOrders(first, await tokenFor({ userId }))).status).toBe(200);
    expect((await getOrders(first, await tokenFor())).status).toBe(200);
  });

  test('When an account deletion is announced (user.deleted alone), then the tokens issued before it are refused', async () => {
    const url = await startGateway();
    await feedConnected(url);
    const userId = randomUUID();
    const token = await tokenFor({ userId });
    await pause(5);

    await publishRaw(exchange, createEnvelope('user.deleted', 1, { userId, deletedAt: new Date().toISOString() }));

    await waitFor(async () => (await getOrders(url, token)).status === 401, { what: 'the gateway to refuse the token' });
  });

  test('When the broker is unreachable, then the gateway starts, is ready and serves (revocations then wait for the token lifetime)', async () => {
    const url = await startGateway({ RABBITMQ_URL: (await closedPortUrl()).replace('http:', 'amqp:') });

    expect((await request(url).get('/ready')).status).toBe(200);
    expect((await getOrders(url, await tokenFor())).status).toBe(200);
  });
});
