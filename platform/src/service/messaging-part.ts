import type { Pool } from 'pg';
import type { Shutdown } from '../lifecycle';
import { eventBusFromConfig, type EventBusSettings, type RabbitMqEventBus } from '../messaging';
import { OutboxRelay } from '../outbox';

/** The event bus of a service (not started: subscriptions come first). */
export function createServiceBus(settings: EventBusSettings, serviceName: string): RabbitMqEventBus {
  return eventBusFromConfig(settings, serviceName);
}

/** The outbox settings of a service that publishes (platform/config outboxConfig). */
export interface OutboxSettings {
  OUTBOX_POLL_INTERVAL_MS: number;
  OUTBOX_MAX_ATTEMPTS: number;
}

/** Starts the outbox relay on the service's pool and registers its stopping with shutdown. */
export async function startOutboxRelay(pool: Pool, bus: RabbitMqEventBus, settings: OutboxSettings, shutdown: Shutdown): Promise<OutboxRelay> {
  const relay = new OutboxRelay({ pool, publisher: bus, pollIntervalMs: settings.OUTBOX_POLL_INTERVAL_MS, maxAttempts: settings.OUTBOX_MAX_ATTEMPTS });
  await relay.start();
  shutdown.add('outbox relay', () => relay.stop());
  return relay;
}
