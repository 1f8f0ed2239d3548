import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { deleteTopology, TcpProxy, TEST_BROKER_URL } from '@shop/platform/testing';
import { startOtlpCollector, type CollectedSpan } from './otlp-collector';

// The same launcher `npm run stack` uses, so the test runs the system exactly as users do.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require('../../scripts/stack-lib.cjs') as StackLib;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSmtpSink } = require('../../scripts/smtp-sink.cjs') as { startSmtpSink: (port: number) => Promise<SmtpSink> };

export interface StackService {
  name: string;
  port: number;
  env: Record<string, string>;
  /** Which copy of the service (1, 2...), and its name: `order-service`, `order-service#2`... */
  replica?: number;
  instance?: string;
}
interface StackLib {
  stackEnvironment(options: Record<string, unknown>): StackService[];
  prepareDatabases(services: StackService[]): Promise<void>;
  dropDatabases(services: StackService[]): Promise<void>;
  startService(service: StackService, onLine: (name: string, line: string) => void): ChildProcess;
  waitReady(service: StackService, timeoutMs?: number): Promise<void>;
  stopAll(children: ChildProcess[]): Promise<void>;
}
export interface Mail {
  to: string[];
  subject: string;
  raw: string;
}
interface SmtpSink {
  mails: Mail[];
  port: number;
  close(): Promise<void>;
}

/** The processes of the system, by folder name. */
export type ServiceName = 'api-gateway' | 'user-service' | 'catalog-service' | 'order-service' | 'payment-service' | 'notification-service';

/** One process: a service's first copy by its name, the others as `order-service#2`. */
export type InstanceName = ServiceName | `${ServiceName}#${number}`;

/** The services that consume events: each has its queue `<exchange>.<service>`. */
export const MESSAGING_SERVICES = ['catalog-service', 'order-service', 'payment-service', 'notification-service'] as const;

/** A process exit the test did not ask for (a crash). */
export interface UnexpectedExit {
  service: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

/** Options of startSystem; `startSystem()` without them runs the plain system. */
export interface SystemOptions {
  /**
   * The messaging services reach RabbitMQ through a TcpProxy the test controls
   * (`brokerProxy.cut()` / `.restore()`), so the machine's broker stays up. Default false.
   */
  brokerProxy?: boolean;
  /** Extra environment for every service, applied over the defaults below. */
  env?: Record<string, string>;
  /** Shift of the services' ports from 3000–3005. Default: a random slot in 10000–10494. */
  portOffset?: number;
  /** Copies of every service behind the gateways (copy k on its port + 100 * (k - 1)). Default 1. */
  replicas?: number;
  /** Gateways, each balancing over every copy of every service. Default 1. */
  gateways?: number;
}

export interface RunningSystem {
  gateway: string;
  /** Every gateway's base URL (…/api), the first one being `gateway`. */
  gateways: string[];
  mails: Mail[];
  spans: CollectedSpan[];
  logs: Array<{ service: string; line: Record<string, unknown> }>;
  /** The run's own events exchange (consumer queues are `<exchange>.<service>`). */
  exchange: string;
  /** Each service as launched: name, port and environment (DATABASE_URL included). */
  services: StackService[];
  /** The broker proxy, when started with `brokerProxy: true`. */
  brokerProxy?: TcpProxy;
  /** Exits of service processes that neither kill() nor stop() asked for. */
  unexpectedExits: UnexpectedExit[];
  /** Sends signal (default SIGKILL: no shutdown code runs) to one service (or copy) and waits for it to exit. */
  kill(service: InstanceName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped service (or copy) again with the same environment and port; resolves once it is ready. */
  start(service: InstanceName, timeoutMs?: number): Promise<void>;
  /**
   * Sends a signal to a running service (or copy) without waiting for anything: SIGSTOP pauses the
   * process (it stays connected and answers nothing, as a stuck service does), SIGCONT resumes
   * it. stop() resumes every process before it stops them, so a paused one never outlives the test.
   */
  signal(service: InstanceName, signal: NodeJS.Signals): void;
  /** True while the service's (or copy's) process runs. */
  isRunning(service: InstanceName): boolean;
  stop(): Promise<void>;
}

// Ports fetch() refuses to call (the Fetch standard's "bad ports"); in 10000–10494 only 10080.
const FETCH_BLOCKED_PORTS = new Set([10080]);

/** One of 50 slots of ten ports in 10000–10494, chosen by the run id, never one fetch() refuses. */
function randomPortOffset(run: string): number {
  let slot = parseInt(run.slice(0, 2), 16) % 50;
  const blocked = (offset: number) => [0, 1, 2, 3, 4, 5].some((i) => FETCH_BLOCKED_PORTS.has(3000 + offset + i));
  while (blocked(7000 + slot * 10)) slot = (slot + 1) % 50;
  return 7000 + slot * 10;
}

/** A process's name: the service's for its first copy, `order-service#2` for the others. */
const instanceOf = (service: StackService) => service.instance ?? service.name;

/**
 * All six services as real processes on the local PostgreSQL and RabbitMQ, on shifted ports,
 * with their own databases and exchange, an SMTP sink and an OTLP trace receiver.
 */
export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const run = randomBytes(4).toString('hex');
  const exchange = `test.e2e.${run}`;
  const sink = await startSmtpSink(0);
  const collector = await startOtlpCollector();
  // The broker the services would use (stack-lib's default), reached through a proxy on request.
  const realBrokerUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  let brokerProxy: TcpProxy | undefined;
  let rabbitmqUrl: string | undefined;
  if (options.brokerProxy) {
    const real = new URL(realBrokerUrl);
    brokerProxy = new TcpProxy(Number(real.port || 5672), real.hostname);
    await brokerProxy.start();
    const proxied = new URL(realBrokerUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(brokerProxy.port);
    rabbitmqUrl = proxied.toString().replace(/\/$/, '');
  }
  const services = stack.stackEnvironment({
    databasePrefix: `test_e2e_${run}_`,
    portOffset: options.portOffset ?? randomPortOffset(run),
    ...(options.replicas ? { replicas: options.replicas } : {}),
    ...(options.gateways ? { gateways: options.gateways } : {}),
    ...(rabbitmqUrl ? { rabbitmqUrl } : {}),
    env: {
      EVENTS_EXCHANGE: exchange,
      RETRY_DELAYS_MS: '200,400,800',
      PROCESSOR_LATENCY_MS: '0',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(sink.port),
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  await stack.prepareDatabases(services);
  const logs: RunningSystem['logs'] = [];
  const onLine = (name: string, line: string) => {
    try {
      logs.push({ service: name, line: JSON.parse(line) as Record<string, unknown> });
    } catch {
      logs.push({ service: name, line: { message: line } });
    }
  };

  const unexpectedExits: UnexpectedExit[] = [];
  const children = new Map<string, ChildProcess>();
  const expectedExits = new WeakSet<ChildProcess>();
  let stopping = false;
  const launch = (service: StackService) => {
    const child = stack.startService(service, onLine);
    child.once('exit', (code, signal) => {
      if (!stopping && !expectedExits.has(child)) unexpectedExits.push({ service: instanceOf(service), code, signal, at: Date.now() });
    });
    children.set(instanceOf(service), child);
    return child;
  };
  const serviceNamed = (name: string) => {
    const service = services.find((s) => instanceOf(s) === name);
    if (!service) throw new Error(`No service named ${name}`);
    return service;
  };
  const isRunning = (name: string) => {
    const child = children.get(name);
    return !!child && child.exitCode === null && child.signalCode === null;
  };

  for (const service of services) launch(service);
  // Should the test process end without stop() (a crash, an unhandled error), its services must
  // not outlive it: 'exit' handlers run synchronously, and kill() is synchronous.
  const killOnExit = () => {
    for (const child of children.values()) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    stopping = true;
    // A paused (SIGSTOPped) process would not act on SIGTERM before it is continued.
    for (const [name, child] of children) if (isRunning(name)) child.kill('SIGCONT');
    await stack.stopAll([...children.values()]);
    await brokerProxy?.stop();
    await Promise.all([sink.close(), collector.close()]);
    await stack.dropDatabases(services);
    const consumers = MESSAGING_SERVICES.map((s) => `${exchange}.${s}`);
    const queues = consumers.flatMap((q) => [q, `${q}.dead`, `${q}.retry.0`, `${q}.retry.1`, `${q}.retry.2`]);
    await deleteTopology(TEST_BROKER_URL, { exchanges: [exchange], queues });
  };
  try {
    await Promise.all(services.map((service) => stack.waitReady(service, 30_000)));
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${logs.slice(-20).map((l) => `${l.service}: ${JSON.stringify(l.line)}`).join('\n')}`, { cause: error });
  }
  const gateways = services.filter((s) => s.name === 'api-gateway').map((s) => `http://127.0.0.1:${s.port}/api`);
  return {
    gateway: gateways[0]!,
    gateways,
    mails: sink.mails,
    spans: collector.spans,
    logs,
    exchange,
    services,
    ...(brokerProxy ? { brokerProxy } : {}),
    unexpectedExits,
    async kill(name, signal = 'SIGKILL') {
      const child = children.get(name);
      if (!child || !isRunning(name)) return;
      expectedExits.add(child);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      await exited;
    },
    async start(name, timeoutMs = 30_000) {
      if (isRunning(name)) throw new Error(`${name} is already running`);
      const service = serviceNamed(name);
      launch(service);
      await stack.waitReady(service, timeoutMs);
    },
    signal(name, signal) {
      if (!isRunning(name)) throw new Error(`${name} is not running`);
      children.get(name)!.kill(signal);
    },
    isRunning,
    stop,
  };
}
