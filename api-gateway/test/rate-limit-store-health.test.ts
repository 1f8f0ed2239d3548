import type { Logger } from '@shop/platform/logging';
import { registry } from '@shop/platform/metrics';
import { RateLimitStoreHealth } from '../src/rate-limit-store-health';

/** A logger that records what it was asked to log. */
function recordingLogger(): { log: Logger; lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const record = (level: string) => (message: string) => {
    lines.push({ level, message });
  };
  return { log: { warn: record('warn'), info: record('info'), debug: record('debug') } as unknown as Logger, lines };
}

const activeStore = async () => {
  const gauge = (await registry.getSingleMetric('gateway_rate_limit_store_active')?.get())?.values ?? [];
  return gauge.find((value) => value.value === 1)?.labels.store;
};

// Which store counts, and what an outage shows in logs and metrics: a rule, tested without Redis.
describe('Rate-limit store health', () => {
  test('When many counts fall back during one outage, then one warn line is logged, and one info line when Redis is back', async () => {
    // Arrange
    const { log, lines } = recordingLogger();
    const health = new RateLimitStoreHealth(() => true, 1000, log);
    health.recordRedisUsed();

    // Act
    for (let i = 0; i < 50; i += 1) health.recordFallback('login', 'unavailable');
    const duringOutage = await activeStore();
    health.recordRedisUsed();
    health.recordRedisUsed();

    // Assert
    expect(lines.filter((line) => line.level !== 'debug').map((line) => line.level)).toEqual(['warn', 'info']);
    expect(duringOutage).toBe('memory');
    expect(await activeStore()).toBe('redis');
  });

  test('When Redis timed out, then it is skipped until the retry interval has passed; when disconnected, it is skipped at once', () => {
    // Arrange
    let connected = true;
    const health = new RateLimitStoreHealth(() => connected, 1000, recordingLogger().log);

    // Act
    health.recordFallback('per-client', 'timeout', new Error('slow'), 10_000);
    const rightAfter = health.shouldTryRedis(10_500);
    const afterInterval = health.shouldTryRedis(11_000);
    connected = false;
    const disconnected = health.shouldTryRedis(20_000);

    // Assert
    expect([rightAfter, afterInterval, disconnected]).toEqual([false, true, false]);
  });
});
