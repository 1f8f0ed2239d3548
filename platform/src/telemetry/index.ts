export { setHttpRoute, startTelemetry, stopTelemetry, type TelemetryOptions } from './start-telemetry';
export { contextFromHeaders, currentTraceHeaders, currentTraceId, withSpan } from './message-context';
export { samplerFromEnv } from './sampler-from-env';
export { traceHttpRequest } from './trace-http-request';
