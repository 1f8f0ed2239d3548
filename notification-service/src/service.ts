import { defineService } from '@shop/platform/service';
import { configSchema } from './config';
import { notificationDatabase } from './data-access/database';
import { createSmtpMailer } from './data-access/smtp-mailer';
import { defineNotificationRoutes } from './entry-points/http/routes';
import { subscribeNotificationConsumers } from './entry-points/messaging/consumers';

/**
 * notification-service: one mail per order event, sent over SMTP to the address the event
 * carries; publishes nothing. Readiness is database + broker; SMTP is reported as a detail (the
 * last delivery's outcome) but never makes the service unready: while the mail server is down,
 * events wait in the retry queues, and leaving rotation would not deliver them any sooner.
 */
export const service = defineService({
  name: 'notification-service',
  config: configSchema,
  database: notificationDatabase,
  messaging: { publishes: false },
  start: ({ config, db, bus, onShutdown }) => {
    const mailer = createSmtpMailer({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: config.SMTP_SECURE,
      user: config.SMTP_USER,
      password: config.SMTP_PASSWORD,
      from: config.MAIL_FROM,
      timeoutMs: config.SMTP_TIMEOUT_MS,
    });
    onShutdown('smtp transport', () => mailer.close());
    subscribeNotificationConsumers(bus, { db, mailer });
    return { routes: (ctx) => defineNotificationRoutes(ctx, db), readiness: { smtp: () => mailer.check() } };
  },
});
