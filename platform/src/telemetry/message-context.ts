import { context, propagation, SpanKind, trace, type Context, type Span } from '@opentelemetry/api';

const tracer = trace.getTracer('@shop/platform/messaging');

/** W3C trace context headers (traceparent, tracestate) of the active context, for a message. */
export function currentTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The context a message's trace headers describe. */
export function contextFromHeaders(headers: Record<string, unknown> | undefined): Context {
  const carrier: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) if (typeof value === 'string') carrier[key] = value;
  return propagation.extract(context.active(), carrier);
}

/**
 * Runs fn inside a span named `<name>`, as a child of parent (or of the active context),
 * ending it when fn settles and recording a failure.
 */
export async function withSpan<T>(
  name: string,
  kind: 'producer' | 'consumer' | 'internal',
  fn: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  const spanKind = kind === 'producer' ? SpanKind.PRODUCER : kind === 'consumer' ? SpanKind.CONSUMER : SpanKind.INTERNAL;
  return tracer.startActiveSpan(name, { kind: spanKind }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: 2 });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The active trace id, or undefined outside a span. */
export function currentTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}
