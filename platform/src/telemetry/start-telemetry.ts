import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { getRPCMetadata, RPCType, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { samplerFromEnv } from './sampler-from-env';
import { UNTRACED_PATHS } from './trace-http-request';

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP traces endpoint, e.g. http://jaeger:4318/v1/traces. Default: no export. */
  otlpEndpoint?: string | undefined;
  /** Extra processors (tests pass an in-memory exporter here). */
  spanProcessors?: SpanProcessor[];
  /**
   * Express route handlers get spans and name the HTTP span after their route (default true).
   * A process whose routes are all middleware (the gateway's proxies) gains nothing from the
   * patched router on every request, and names its spans with setHttpRoute instead.
   */
  expressSpans?: boolean;
  /**
   * Node's http module is instrumented: a server span per incoming request, a client span per
   * outgoing one, which also carries the trace to the callee (default true). A process that only
   * forwards (the gateway) turns it off, makes its server spans with traceHttpRequest and sends
   * traceparent itself (currentTraceHeaders), so the callee's span is a child of its one span.
   */
  httpInstrumentation?: boolean;
}

interface Running {
  provider: TracerProvider;
  contextManager: AsyncLocalStorageContextManager;
  disableInstrumentations: () => void;
}

let running: Running | undefined;

// Required only when an endpoint is configured: the exporter and its OTLP transformer are
// ~18 MB of RSS and ~80 ms of start-up that a process without export never uses.
function otlpExporter(url: string): SpanExporter {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  return new OTLPTraceExporter({ url });
}

/**
 * Starts OpenTelemetry once per process; must run before express, http or pg are imported.
 * Only what we use is loaded (tracer provider, context manager, W3C propagator, three
 * instrumentations): NodeSDK pulls in every exporter, metrics and logs (~47 MB of RSS).
 */
export function startTelemetry(options: TelemetryOptions): void {
  if (running) return;
  const spanProcessors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.otlpEndpoint) {
    // OTEL_BSP_SCHEDULE_DELAY is the standard variable for the export interval (default 5000 ms).
    const delay = Number(process.env.OTEL_BSP_SCHEDULE_DELAY) || undefined;
    spanProcessors.push(new BatchSpanProcessor({ exporter: otlpExporter(options.otlpEndpoint), scheduledDelayMillis: delay }));
  }
  // Without any processor, new traces are not recorded by default (samplerFromEnv), but their
  // ids are still made and propagated: log lines and messages carry them.
  const provider = new TracerProvider({
    sampler: samplerFromEnv(process.env, spanProcessors.length > 0),
    // OTEL_RESOURCE_ATTRIBUTES still adds attributes (e.g. deployment.environment); ours names the service.
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName })),
    spanProcessors,
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  // Trace context only: it is all that crosses HTTP and our AMQP envelope (no baggage in use).
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const disableInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      ...(options.httpInstrumentation === false ? [] : [new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? '') })]),
      // A span per middleware (request id, helmet, json parser, auth...) cost more CPU than the
      // request itself; the route still names the HTTP span and the handler keeps its span.
      ...(options.expressSpans === false
        ? []
        : [new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] })]),
      // A span per query is a leaf: nothing reads it but an exporter, and building it cost 4-9%
      // of a service's CPU under load (bench --profile), so it exists only when spans go somewhere.
      // Queries outside a request or message span (outbox relay polls, metrics scrapes, pool
      // housekeeping) would each be a root trace of their own; pool checkouts are noise.
      ...(spanProcessors.length > 0 ? [new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true })] : []),
    ],
  });
  running = { provider, contextManager, disableInstrumentations };
}

/**
 * Names the current incoming request's span after its route (`GET /api/orders`, attribute
 * http.route), as the Express instrumentation does for route handlers. No-op outside a traced request.
 */
export function setHttpRoute(route: string): void {
  const rpcMetadata = getRPCMetadata(context.active());
  if (rpcMetadata?.type === RPCType.HTTP) rpcMetadata.route = route;
}

/** Flushes pending spans and stops tracing (graceful shutdown). */
export async function stopTelemetry(): Promise<void> {
  if (!running) return;
  const { provider, contextManager, disableInstrumentations } = running;
  running = undefined;
  await provider.shutdown();
  disableInstrumentations();
  trace.disable();
  propagation.disable();
  context.disable();
  contextManager.disable();
}
