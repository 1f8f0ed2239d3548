import Module from 'node:module';
import { startTelemetry, stopTelemetry } from '@shop/platform/telemetry';
import request from 'supertest';
import { GATEWAY_TELEMETRY } from '../src/telemetry-options';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { startUpstreamStub, type Echo, type UpstreamStub } from './support/upstream-stub';

// W3C traceparent: version-traceid-parentid-flags.
const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';

describe('Trace propagation', () => {
  let users: UpstreamStub;
  let gateway: TestGateway;

  beforeAll(async () => {
    startTelemetry({ serviceName: 'api-gateway-test', ...GATEWAY_TELEMETRY });
    // OpenTelemetry patches http when Node's require loads it, which in production happens after
    // instrument.ts; jest hands out core modules without that require, so one is made here.
    (Module.prototype.require as (id: string) => unknown).call(new Module('trace-propagation-test'), 'node:http');
    users = await startUpstreamStub();
    gateway = await startTestGateway({ USER_SERVICE_URL: users.url });
  });

  afterAll(async () => {
    await gateway.stop();
    await users.close();
    await stopTelemetry();
  });

  test('When a client sends a traceparent, then the service receives the same trace with the gateway span as parent', async () => {
    // Act
    const response = await request(gateway.url)
      .post('/api/auth/login')
      .set('traceparent', `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`)
      .send({});

    // Assert
    const forwarded = String((response.body as Echo).headers.traceparent);
    const [, traceId, parentId] = forwarded.split('-');
    expect(traceId).toBe(CLIENT_TRACE_ID);
    expect(parentId).toMatch(/^[0-9a-f]{16}$/);
    expect(parentId).not.toBe(CLIENT_SPAN_ID);
  });
});
