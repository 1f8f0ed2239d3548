import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import express from 'express';
import request from 'supertest';
import { currentTraceHeaders, setHttpRoute, startTelemetry, stopTelemetry, traceHttpRequest } from '../../src/telemetry';

const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const exporter = new InMemorySpanExporter();

/** An app traced by traceHttpRequest alone, as the gateway is (no HTTP instrumentation). */
function tracedApp() {
  const app = express();
  app.use(traceHttpRequest);
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.use('/api/things', (req, res) => {
    setHttpRoute('/api/things');
    // After an await, as the gateway's proxy runs after its rate limiter's store.
    void Promise.resolve().then(() => res.status(req.query.fail ? 503 : 200).json({ trace: currentTraceHeaders() }));
  });
  return app;
}

beforeAll(() => {
  startTelemetry({ serviceName: 'platform-test', httpInstrumentation: false, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
});
afterEach(() => exporter.reset());
afterAll(async () => {
  await stopTelemetry();
});

test('When a request carries a traceparent, then its server span is a child of it, named by route, and active in the handler', async () => {
  // Act
  const response = await request(tracedApp()).get('/api/things/7?x=1').set('traceparent', `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`);

  // Assert
  const [span, ...others] = exporter.getFinishedSpans();
  expect(others).toEqual([]);
  expect(span!.name).toBe('GET /api/things');
  expect(span!.kind).toBe(SpanKind.SERVER);
  expect(span!.spanContext().traceId).toBe(CALLER_TRACE_ID);
  expect(span!.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
  expect(span!.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.path': '/api/things/7', 'http.route': '/api/things', 'http.response.status_code': 200 });
  expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  expect((response.body as { trace: Record<string, string> }).trace.traceparent).toBe(`00-${CALLER_TRACE_ID}-${span!.spanContext().spanId}-01`);
});

test('When the answer is a 5xx, then the span is an error', async () => {
  // Act
  await request(tracedApp()).get('/api/things?fail=1');

  // Assert
  const [span] = exporter.getFinishedSpans();
  expect(span!.status.code).toBe(SpanStatusCode.ERROR);
  expect(span!.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': '503' });
});

test('When a probe is called, then no span is made', async () => {
  // Act
  await request(tracedApp()).get('/health');

  // Assert
  expect(exporter.getFinishedSpans()).toEqual([]);
});
