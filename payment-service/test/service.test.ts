import { TcpProxy, waitFor } from '@shop/platform/testing';
import request from 'supertest';
import { startPaymentServiceUnderTest, type PaymentServiceUnderTest } from './harness';

let broker: TcpProxy;
let sut: PaymentServiceUnderTest;

beforeAll(async () => {
  broker = new TcpProxy(5672);
  await broker.start();
  sut = await startPaymentServiceUnderTest({ RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${broker.port}` });
});
afterAll(async () => {
  await sut.stop();
  await broker.stop();
});

describe('GET /ready', () => {
  test('When database and broker are up, then 200 with both checks; when the broker goes away, then 503 naming it', async () => {
    const up = await request(sut.url).get('/ready');
    await broker.cut();
    const down = await waitFor(
      async () => {
        const res = await request(sut.url).get('/ready');
        return res.status === 503 ? res : undefined;
      },
      { what: 'not ready' },
    );
    await broker.restore();

    expect(up.status).toBe(200);
    expect(up.body.checks).toEqual({ database: { ok: true }, broker: { ok: true } });
    expect(down!.body.checks.broker.ok).toBe(false);
    expect(down!.body.checks.database.ok).toBe(true);
  });
});

describe('GET /openapi.json', () => {
  test('When the document is fetched, then it lists every route with its methods', async () => {
    const res = await request(sut.url).get('/openapi.json');

    expect(res.status).toBe(200);
    const paths = Object.fromEntries(Object.entries(res.body.paths as Record<string, object>).map(([p, ops]) => [p, Object.keys(ops).sort()]));
    expect(paths).toEqual({
      '/health': ['get'],
      '/ready': ['get'],
      '/payments/methods': ['get', 'post'],
      '/payments/methods/{id}': ['delete'],
      '/payments': ['get'],
      '/payments/{id}': ['get'],
    });
    expect(JSON.stringify(res.body.components.schemas.AddPaymentMethod)).not.toMatch(/cvc/);
    expect(res.body.components.schemas.Payment.properties.status.enum).toEqual(['succeeded', 'failed', 'refunded']);
    expect(res.body.components.schemas.Payment.properties.refundedAt).toMatchObject({ type: 'string', format: 'date-time' });
    expect(res.body.components.schemas.Payment.required).not.toContain('refundedAt');
  });
});
