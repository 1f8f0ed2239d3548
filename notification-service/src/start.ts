import type { Server } from 'node:http';
import { closeServer, listen, portOf, Shutdown, type RunningService } from '@shop/platform/lifecycle';
import { configureLogging } from '@shop/platform/logging';
import { eventBusFromConfig, type RabbitMqEventBus } from '@shop/platform/messaging';
import type { NotificationServiceConfig } from './config';
import { createPrismaClient, type NotificationDb } from './data-access/prisma-client-factory';
import { createSmtpMailer, type SmtpMailer } from './data-access/smtp-mailer';
import { createNotificationServiceApp } from './entry-points/http/app';
import { subscribeNotificationConsumers } from './entry-points/messaging/consumers';

export interface StartedNotificationService extends RunningService {
  server: Server;
  port: number;
  bus: RabbitMqEventBus;
  db: NotificationDb;
  mailer: SmtpMailer;
}

/**
 * Connects database, SMTP pool and broker, starts the consumers, serves HTTP. This service
 * publishes nothing, so it has no outbox. On SIGTERM: HTTP stops first, then the consumers
 * (running sends finish), then the SMTP pool, then the database.
 *
 * Readiness is database + broker. SMTP is reported as a detail (the last delivery's outcome)
 * but never makes the service unready: while the mail server is down, events wait in the
 * retry queues, and taking the service out of rotation would not deliver them any sooner.
 */
export async function startNotificationService(config: NotificationServiceConfig): Promise<StartedNotificationService> {
  configureLogging({ service: 'notification-service', level: config.LOG_LEVEL });
  const shutdown = new Shutdown();
  const db = createPrismaClient(config);
  shutdown.add('database', () => db.$disconnect());

  const mailer = createSmtpMailer({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    user: config.SMTP_USER,
    password: config.SMTP_PASSWORD,
    from: config.MAIL_FROM,
    timeoutMs: config.SMTP_TIMEOUT_MS,
  });
  shutdown.add('smtp transport', () => mailer.close());

  const bus = eventBusFromConfig(config, 'notification-service');
  subscribeNotificationConsumers(bus, { db, mailer });
  await bus.start();
  shutdown.add('message bus', () => bus.close());

  const app = createNotificationServiceApp(config, db, { broker: bus.brokerCheck, smtp: () => mailer.check() });
  const server = await listen(app, config.PORT, { host: config.HOST });
  shutdown.add('http', () => closeServer(server, config.SHUTDOWN_TIMEOUT_MS));
  return { server, port: portOf(server), bus, db, mailer, shutdown, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
}
