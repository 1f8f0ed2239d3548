import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { deleteTopology, TEST_BROKER_URL } from '@shop/platform/testing';
import { startOtlpCollector, type CollectedSpan } from './otlp-collector';

// The same launcher `npm run stack` uses, so the test runs the system exactly as users do.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require('../../scripts/stack-lib.cjs') as StackLib;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSmtpSink } = require('../../scripts/smtp-sink.cjs') as { startSmtpSink: (port: number) => Promise<SmtpSink> };

interface StackService {
  name: string;
  port: number;
  env: Record<string, string>;
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

export interface RunningSystem {
  gateway: string;
  mails: Mail[];
  spans: CollectedSpan[];
  logs: Array<{ service: string; line: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/**
 * All five services as real processes on the local PostgreSQL and RabbitMQ, on shifted ports,
 * with their own databases and exchange, an SMTP sink and an OTLP trace receiver.
 */
export async function startSystem(): Promise<RunningSystem> {
  const run = randomBytes(4).toString('hex');
  const exchange = `test.e2e.${run}`;
  const sink = await startSmtpSink(0);
  const collector = await startOtlpCollector();
  const services = stack.stackEnvironment({
    databasePrefix: `test_e2e_${run}_`,
    portOffset: 7000 + (parseInt(run.slice(0, 2), 16) % 50) * 10,
    env: {
      EVENTS_EXCHANGE: exchange,
      RETRY_DELAYS_MS: '200,400,800',
      PROCESSOR_LATENCY_MS: '0',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(sink.port),
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      LOG_LEVEL: 'info',
    },
  });
  await stack.prepareDatabases(services);
  const logs: RunningSystem['logs'] = [];
  const children = services.map((service) =>
    stack.startService(service, (name, line) => {
      try {
        logs.push({ service: name, line: JSON.parse(line) as Record<string, unknown> });
      } catch {
        logs.push({ service: name, line: { message: line } });
      }
    }),
  );
  const stop = async () => {
    await stack.stopAll(children);
    await Promise.all([sink.close(), collector.close()]);
    await stack.dropDatabases(services);
    const consumers = ['order-service', 'payment-service', 'notification-service'].map((s) => `${exchange}.${s}`);
    const queues = consumers.flatMap((q) => [q, `${q}.dead`, `${q}.retry.0`, `${q}.retry.1`, `${q}.retry.2`]);
    await deleteTopology(TEST_BROKER_URL, { exchanges: [exchange], queues });
  };
  try {
    await Promise.all(services.map((service) => stack.waitReady(service, 30_000)));
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${logs.slice(-20).map((l) => `${l.service}: ${JSON.stringify(l.line)}`).join('\n')}`);
  }
  const gateway = services.find((s) => s.name === 'api-gateway')!;
  return { gateway: `http://127.0.0.1:${gateway.port}/api`, mails: sink.mails, spans: collector.spans, logs, stop };
}
