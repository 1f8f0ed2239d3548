import { promClient, registry } from '@shop/platform/metrics';

/** Why a count could not go to Redis: not connected, no answer in time, or an error reply. */
export type StoreErrorReason = 'unavailable' | 'timeout' | 'error';

/** Counts a limiter decided in memory because Redis could not be used, by limiter and reason. */
export const rateLimitStoreErrors = new promClient.Counter({
  name: 'gateway_rate_limit_store_errors_total',
  help: 'Rate-limit counts that could not use the shared Redis store and fell back to memory, by limiter and reason',
  labelNames: ['limiter', 'reason'] as const,
  registers: [registry],
});

/** 1 for the store the limiters count in now (redis or memory), 0 for the other. */
export const rateLimitStoreActive = new promClient.Gauge({
  name: 'gateway_rate_limit_store_active',
  help: 'Store the rate limiters count in: 1 for the active one (redis: shared by every gateway; memory: this replica only)',
  labelNames: ['store'] as const,
  registers: [registry],
});

/** Sets the gauge to show which store counts. */
export function showActiveStore(store: 'redis' | 'memory'): void {
  rateLimitStoreActive.set({ store: 'redis' }, store === 'redis' ? 1 : 0);
  rateLimitStoreActive.set({ store: 'memory' }, store === 'memory' ? 1 : 0);
}
