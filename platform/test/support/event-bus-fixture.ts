import { deleteTopology, TEST_BROKER_URL, uniqueExchangeName } from '../../src/testing';
import { RabbitMqEventBus, type RabbitMqEventBusOptions } from '../../src/messaging';

/**
 * Buses on unique exchanges, closed and their exchange and queues (main, retry, dead) deleted
 * by cleanup(); call it in afterEach/afterAll.
 */
export function eventBusFixture() {
  const buses: RabbitMqEventBus[] = [];
  const exchanges = new Set<string>();
  const queues = new Set<string>();
  return {
    /** A bus (not started) on a fresh exchange unless one is given. */
    create(options: Partial<RabbitMqEventBusOptions> = {}): RabbitMqEventBus {
      const bus = new RabbitMqEventBus({
        url: TEST_BROKER_URL,
        exchange: options.exchange ?? uniqueExchangeName(),
        serviceName: 'test-service',
        retryDelaysMs: [100, 200],
        reconnectDelayMs: 100,
        maxReconnectDelayMs: 500,
        heartbeatSeconds: 1,
        publishTimeoutMs: 1000,
        ...options,
      });
      buses.push(bus);
      exchanges.add(bus.topology.exchange);
      for (const queue of [bus.topology.queue, ...bus.topology.retryQueues, bus.topology.deadQueue]) if (queue) queues.add(queue);
      return bus;
    },
    /** Remembers extra broker objects to delete. */
    track(names: { exchanges?: string[]; queues?: string[] }): void {
      for (const name of names.exchanges ?? []) exchanges.add(name);
      for (const name of names.queues ?? []) queues.add(name);
    },
    async cleanup(): Promise<void> {
      await Promise.all(buses.splice(0).map((bus) => bus.close()));
      await deleteTopology(TEST_BROKER_URL, { exchanges: [...exchanges], queues: [...queues] });
      exchanges.clear();
      queues.clear();
    },
  };
}
