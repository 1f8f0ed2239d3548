import { promClient, registry } from '../metrics';

/** Messages handled, by event type and outcome: acked, retried, dead-lettered, requeued, dropped (broadcast only). */
export const messagesConsumed = new promClient.Counter({
  name: 'messaging_messages_consumed_total',
  help: 'Messages consumed, by event type and outcome (acked, retried, dead-lettered, requeued, dropped)',
  labelNames: ['type', 'outcome'] as const,
  registers: [registry],
});

/** Events confirmed by the broker, by event type. */
export const messagesPublished = new promClient.Counter({
  name: 'messaging_messages_published_total',
  help: 'Events published and confirmed by the broker, by event type',
  labelNames: ['type'] as const,
  registers: [registry],
});

const buses = new Set<{ isConnected(): boolean }>();

/** 1 when every started event bus of the process is connected to the broker, else 0. */
export const brokerConnected = new promClient.Gauge({
  name: 'messaging_broker_connected',
  help: '1 when the process is connected to the message broker, else 0',
  registers: [registry],
  collect() {
    this.set(buses.size > 0 && [...buses].every((bus) => bus.isConnected()) ? 1 : 0);
  },
});

/** Adds or removes a bus from the connected gauge. */
export function trackBus(bus: { isConnected(): boolean }, tracked: boolean): void {
  if (tracked) buses.add(bus);
  else buses.delete(bus);
}
