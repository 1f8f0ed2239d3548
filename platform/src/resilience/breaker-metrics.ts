import { promClient, registry } from '../metrics';

/** State of each breaker: 0 closed, 1 half-open, 2 open. */
export const breakerState = new promClient.Gauge({
  name: 'circuit_breaker_state',
  help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
  labelNames: ['breaker'] as const,
  registers: [registry],
});

/** Breaker events: success, failure, timeout, reject, open, close, halfOpen. */
export const breakerEvents = new promClient.Counter({
  name: 'circuit_breaker_events_total',
  help: 'Circuit breaker events by breaker and event (success, failure, timeout, reject, open, close, halfOpen)',
  labelNames: ['breaker', 'event'] as const,
  registers: [registry],
});
