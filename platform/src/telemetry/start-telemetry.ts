import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';

// Spans must still be created without an exporter (log lines and messages carry their trace
// ids), but the SDK creates no tracer provider for an empty processor list, so we give it one
// that drops everything.
const dropSpans: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP traces endpoint, e.g. http://jaeger:4318/v1/traces. Default: no export. */
  otlpEndpoint?: string | undefined;
  /** Extra processors (tests pass an in-memory exporter here). */
  spanProcessors?: SpanProcessor[];
}

let sdk: NodeSDK | undefined;

/** Starts OpenTelemetry once per process; must run before express, http or pg are imported. */
export function startTelemetry(options: TelemetryOptions): void {
  if (sdk) return;
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.otlpEndpoint) {
    // OTEL_BSP_SCHEDULE_DELAY is the standard variable for the export interval (default 5000 ms).
    const delay = Number(process.env.OTEL_BSP_SCHEDULE_DELAY) || undefined;
    processors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: options.otlpEndpoint }), scheduledDelayMillis: delay }));
  }
  if (processors.length === 0) processors.push(dropSpans);
  sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors: processors,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(health|ready|metrics)/.test(req.url ?? '') }),
      new ExpressInstrumentation(),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
}

/** Flushes and stops the SDK (graceful shutdown). */
export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
