import type { RequestListener } from 'node:http';
import type { z } from 'zod';
import type { ServiceHttpConfig } from '../config';
import type { DatabaseDefinition } from '../data';
import type { ReadinessChecks, RouteContext } from '../http';
import type { ListenOptions } from '../lifecycle';
import type { EventBus } from '../messaging';

/** What every service's config holds (platform/config commonConfig plus PORT and HOST). */
export interface BaseServiceConfig {
  LOG_LEVEL: 'error' | 'warn' | 'info' | 'http' | 'debug';
  SHUTDOWN_TIMEOUT_MS: number;
  /** Keep serving with /ready failing this long after SIGTERM, in ms (commonConfig). Default 0. */
  SHUTDOWN_DRAIN_MS?: number;
  PORT: number;
  HOST: string;
}

/** What a service's start() is given: its config, its database client, its bus, and where to register closers. */
export interface ServiceContext<C, Db> {
  config: C;
  /** The service's Prisma client over the shared pool (when it declares a database). */
  db: Db;
  /** The event bus (when it declares messaging); subscribe here, before the platform starts it. */
  bus: EventBus;
  /** Registers something the service made (a mail transport, a breaker) to close on SIGTERM, before the database. */
  onShutdown(name: string, close: () => Promise<void>): void;
}

/** A service's HTTP side: its routes on the platform's app (with its extra readiness checks)... */
export interface ServiceRoutes {
  routes: (ctx: RouteContext) => void;
  /** Checks besides the ones the platform adds (database, broker). */
  readiness?: ReadinessChecks;
  /**
   * Called once the service is up (consumers set up, HTTP listening), not awaited: background
   * work that must not miss an event, such as filling a read model from another service.
   */
  started?: () => void;
}

/** ...or, for the gateway, an app of its own. */
export interface ServiceApp {
  app: RequestListener;
  /** Slow-client limits of its server. */
  listen?: Omit<ListenOptions, 'host'>;
  /** Closed with the HTTP server. */
  close?: () => Promise<void>;
}

/**
 * A service as the platform runs it: a name, its config schema, what it uses (a database, the
 * event bus, the outbox), and start(), which wires its own parts. Everything else (tracing,
 * config validation, logging, pool, client, bus, relay, HTTP server, /health, /ready, /metrics,
 * shutdown in the right order) is the platform's, the same for every service.
 */
export interface ServiceDefinition<C extends BaseServiceConfig = BaseServiceConfig, Db = unknown> {
  name: string;
  config: z.ZodType<C, Record<string, unknown>>;
  database?: DatabaseDefinition<Db>;
  /** Uses the event bus; `publishes: true` also runs the outbox relay (the service must have a database). */
  messaging?: { publishes: boolean };
  start(context: ServiceContext<C, Db>): ServiceRoutes | ServiceApp | Promise<ServiceRoutes | ServiceApp>;
}

/** Declares a service (its src/service.ts); see ServiceDefinition. */
export function defineService<C extends BaseServiceConfig & Partial<ServiceHttpConfig>, Db = never>(definition: ServiceDefinition<C, Db>): ServiceDefinition<C, Db> {
  return definition;
}
