import { z } from 'zod';
import { startTelemetry, type TelemetryOptions } from '../telemetry';
// Types only: erased at compile time, so nothing of the service layer loads before tracing.
import type { ServiceDefinition } from '../service';

const otlpEndpoint = z.url().optional();

/**
 * The whole `main.ts` of a service: `runService('order-service', () => require('./service'))`.
 * OpenTelemetry starts first, before express, http, pg or amqplib are loaded (it patches them
 * as they load); only then is the service's module (which imports them) loaded and run. This
 * file therefore imports nothing but telemetry: everything else comes after.
 */
export function runService(
  name: string,
  load: () => { service: ServiceDefinition<never, never> },
  telemetry: Pick<TelemetryOptions, 'expressSpans' | 'httpInstrumentation'> = {},
): void {
  // A malformed endpoint is reported by the full config validation that follows; tracing just does not export.
  const endpoint = otlpEndpoint.safeParse(process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
  startTelemetry({ serviceName: name, otlpEndpoint: endpoint.success ? endpoint.data : undefined, ...telemetry });
  let service: ServiceDefinition<never, never>;
  try {
    // require, not import: loaded synchronously after tracing started, as CommonJS modules are.
    service = load().service;
  } catch (error) {
    console.error(`${name}: could not load the service: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  }
  // Loaded only now, after tracing started: the service layer imports express, pg and amqplib.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('../service') as typeof import('../service')).launchService(service);
}
