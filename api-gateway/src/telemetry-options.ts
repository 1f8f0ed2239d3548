import type { TelemetryOptions } from '@shop/platform/telemetry';

/**
 * How the gateway is traced: one span per request, its incoming one. Every proxied route is
 * middleware, so Express spans would add nothing but per-request work (the proxy names the span
 * after its routing-table prefix); and a client span per upstream call doubled the tracing cost
 * of a request for a span that only repeats it, so upstreamHeaders sends the incoming span's
 * traceparent itself and the service's span is its child, in the same trace.
 */
export const GATEWAY_TELEMETRY = { expressSpans: false, httpClientSpans: false } as const satisfies Partial<TelemetryOptions>;
