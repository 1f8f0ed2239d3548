import type { RabbitMqEventBus } from '@shop/platform/messaging';
import type { StartedService } from '@shop/platform/service';
import { SmtpSink, startServiceUnderTest, type ServiceUnderTest } from '@shop/platform/testing';
import type { NotificationServiceConfig } from '../src/config';
import type { NotificationDb } from '../src/data-access/database';
import { service } from '../src/service';

export { asUser, TEST_GATEWAY_TOKEN as GATEWAY_TOKEN } from '@shop/platform/testing';

export interface NotificationServiceUnderTest extends ServiceUnderTest<NotificationServiceConfig, NotificationDb> {
  /** The running service; it always has a bus (its definition declares messaging). */
  service: StartedService<NotificationDb> & { bus: RabbitMqEventBus };
  /** The SMTP server the service sends to. */
  smtp: SmtpSink;
}

/**
 * The real notification-service on port 0 (platform/testing's startServiceUnderTest: its own
 * database and exchange, fast retries) with an SMTP sink of its own. stop() also stops the sink.
 */
export async function startNotificationServiceUnderTest(env: Record<string, string> = {}): Promise<NotificationServiceUnderTest> {
  const smtp = new SmtpSink();
  await smtp.start();
  const sut = await startServiceUnderTest(service, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_TIMEOUT_MS: '2000', ...env });
  return {
    ...sut,
    service: sut.service as NotificationServiceUnderTest['service'],
    smtp,
    async stop() {
      await sut.stop();
      await smtp.stop();
    },
  };
}
