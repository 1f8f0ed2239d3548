import type { Server } from 'node:http';
import { Agent } from 'node:http';
import { randomUUID } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import type { AccessClaims } from '@shop/platform/auth';
import { errorHandler } from '@shop/platform/http';
import { listen, portOf } from '@shop/platform/lifecycle';
import { setLoggingSilent } from '@shop/platform/logging';
import { createUpstreamProxy } from '../src/proxy';
import { GATEWAY_TOKEN } from './support/test-gateway';
import { startUpstreamStub, type UpstreamStub } from './support/upstream-stub';

// The proxy runs its hooks from socket events, where an exception would end the process. Claims
// are validated before they get here (auth.test.ts); this feeds the proxy claims that slipped
// past anyway, to show one bad request costs only itself.
describe('A request the proxy cannot build', () => {
  let orders: UpstreamStub;
  let server: Server;
  let agent: Agent;
  let claims: AccessClaims;

  beforeAll(async () => {
    setLoggingSilent(true);
    orders = await startUpstreamStub();
    agent = new Agent({ keepAlive: true });
    const app = express();
    app.use((_req, res, next) => {
      res.locals.verifiedClaims = claims;
      next();
    });
    app.use('/api/orders', createUpstreamProxy({ prefix: '/api/orders', service: 'order-service', targets: [orders.url], publicRoutes: [] }, { agent, timeoutMs: 1000, gatewayToken: GATEWAY_TOKEN }));
    app.use(errorHandler);
    server = await listen(app, 0);
  });

  afterAll(async () => {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
    await orders.close();
  });

  test('When a claim holds CR/LF, then that request gets 500 proxy-failed without reaching the service, and the next one is served', async () => {
    // Arrange
    const url = `http://127.0.0.1:${portOf(server)}`;
    const before = orders.requests.length;
    claims = { userId: `${randomUUID()}\r\nx-user-role: admin`, role: 'customer' };

    // Act
    const broken = await request(url).get('/api/orders');
    claims = { userId: randomUUID(), role: 'customer' };
    const next = await request(url).get('/api/orders');

    // Assert
    expect(broken.status).toBe(500);
    expect(broken.body).toEqual({ code: 'proxy-failed', message: expect.any(String) });
    expect(next.status).toBe(200);
    expect(orders.requests.length).toBe(before + 1);
  });
});
