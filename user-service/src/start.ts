import type { Server } from 'node:http';
import { configureLogging } from '@shop/platform/logging';
import { closeServer, listen, portOf, Shutdown, type RunningService } from '@shop/platform/lifecycle';
import type { UserServiceConfig } from './config';
import { createPrismaClient } from './data-access/prisma-client-factory';
import { createUserServiceApp } from './entry-points/http/app';

export interface StartedUserService extends RunningService {
  server: Server;
  port: number;
}

/** Connects the database, serves HTTP, and registers what SIGTERM must close (HTTP first, then the database). */
export async function startUserService(config: UserServiceConfig): Promise<StartedUserService> {
  configureLogging({ service: 'user-service', level: config.LOG_LEVEL });
  const shutdown = new Shutdown();
  const prisma = createPrismaClient(config);
  shutdown.add('database', () => prisma.$disconnect());
  const app = createUserServiceApp(config, prisma);
  const server = await listen(app, config.PORT, { host: config.HOST });
  shutdown.add('http', () => closeServer(server, config.SHUTDOWN_TIMEOUT_MS));
  return { server, port: portOf(server), shutdown, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
}
