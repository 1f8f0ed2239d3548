import { ConfigError } from '../config';
import { getLogger } from '../logging';
import { stopTelemetry } from '../telemetry';
import { releaseStartupGarbage } from './release-startup-garbage';
import type { Shutdown } from './shutdown';

const log = getLogger('lifecycle');
const STARTUP_GC_DELAY_MS = 1000;

/** What a service's start function returns: its shutdown list and its grace period. */
export interface RunningService {
  shutdown: Shutdown;
  /** Longest time the shutdown may take before the process exits anyway, in ms. */
  shutdownTimeoutMs: number;
}

/**
 * Process entry point of every service: starts it, and on SIGTERM/SIGINT stops intake,
 * finishes in-flight work, closes broker and database, and exits 0 within the bound. A bad
 * configuration prints one line and exits 1; an uncaught error shuts down and exits 1.
 */
export function runMain(serviceName: string, start: () => Promise<RunningService>): void {
  let service: RunningService | undefined;
  let stopping = false;

  const stop = async (reason: string, exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info('Shutting down', { service: serviceName, reason });
    const bound = setTimeout(() => {
      log.error('Shutdown timed out', { service: serviceName });
      process.exit(1);
    }, service?.shutdownTimeoutMs ?? 10_000);
    bound.unref();
    await service?.shutdown.run();
    await stopTelemetry().catch(() => undefined);
    clearTimeout(bound);
    process.exit(exitCode);
  };

  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('uncaughtException', (error) => {
    log.error('Uncaught exception', { error });
    void stop('uncaughtException', 1);
  });
  process.on('unhandledRejection', (error) => {
    log.error('Unhandled rejection', { error });
    void stop('unhandledRejection', 1);
  });

  // Deferred, so that a config error thrown synchronously by start takes the same path.
  Promise.resolve().then(start).then(
    (running) => {
      service = running;
      log.info('Service started', { service: serviceName });
      // Start-up is over: give back what loading it left behind (see releaseStartupGarbage),
      // a moment later so the GC pause is not on the way to the first /ready answer (whose
      // first database query loads Prisma's query compiler, more start-up garbage).
      setTimeout(() => void releaseStartupGarbage(), STARTUP_GC_DELAY_MS).unref();
    },
    (error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${serviceName}: ${error.message}\n`);
      } else {
        log.error('Startup failed', { service: serviceName, error });
      }
      process.exitCode = 1;
      void stop('startup failed', 1);
    },
  );
}
