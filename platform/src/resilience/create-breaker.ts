import CircuitBreaker from 'opossum';
import { AppError, DependencyUnavailableError } from '../errors';
import { getLogger } from '../logging';
import { breakerEvents, breakerState } from './breaker-metrics';
import { isDependencyFailure } from './service-call-error';

const log = getLogger('resilience');

/**
 * Options of a breaker, with their defaults. How they play together (opossum 10):
 * - The breaker opens when, within the last `rollingCountTimeoutMs`, at least `volumeThreshold`
 *   calls were made and more than `errorThresholdPercentage` % of them failed (a timeout is a
 *   failure; calls still in flight count as made). Under a steady load a dependency that stops
 *   answering therefore opens it about timeoutMs + rollingCountTimeoutMs / 2 after the stall began.
 * - A single failure never opens it while errorThresholdPercentage ≥ 100 / volumeThreshold: among
 *   at least volumeThreshold calls one failure is at most 20 % (defaults), below the 50 % threshold.
 * - Open, it refuses at once for `resetTimeoutMs`, then lets the next call through as a trial:
 *   success closes it, failure (after at most timeoutMs) opens it for another resetTimeoutMs.
 *   So once the dependency answers again, calls are accepted within about resetTimeoutMs
 *   (+ one trial): a stall of S seconds costs about S + resetTimeoutMs / 1000 seconds of refusals.
 * - Keep resetTimeoutMs ≥ timeoutMs: a call begun before the breaker opened and failing while it
 *   is half-open would open it again (opossum treats any failure in half-open as the trial's).
 */
export interface BreakerOptions {
  /** Longest a call may take before it counts as a failure (and answers 503), in ms. Default 3000. */
  timeoutMs?: number;
  /** Failure percentage within the rolling window above which the breaker opens. Default 50. */
  errorThresholdPercentage?: number;
  /** How long the breaker stays open before one trial call is let through, in ms. Default 1000. */
  resetTimeoutMs?: number;
  /** Calls within the rolling window before the breaker may open, so one early failure does not. Default 5. */
  volumeThreshold?: number;
  /**
   * Length of the rolling statistics window, in ms, kept in 10 buckets (so a multiple of 10).
   * Short, so a stall opens the breaker soon and old failures are forgotten soon. Default 2000.
   */
  rollingCountTimeoutMs?: number;
  /**
   * Errors that are the caller's fault (a 404 user): they neither count as failures nor are
   * translated; they reach the caller as thrown. Default: an AppError with a 4xx status.
   */
  isCallerError?: (error: unknown) => boolean;
}

/** The defaults of BreakerOptions, in one place (the README quotes them). */
export const BREAKER_DEFAULTS = {
  timeoutMs: 3000,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 1000,
  volumeThreshold: 5,
  rollingCountTimeoutMs: 2000,
} as const;

/** Buckets of the rolling window: statistics age out in steps of a tenth of it. */
const ROLLING_COUNT_BUCKETS = 10;

export type BreakerState = 'closed' | 'half-open' | 'open';

/** A function guarded by a circuit breaker. */
export interface Breaker<TArgs extends unknown[], TResult> {
  readonly name: string;
  /**
   * Calls the action through the breaker. An open breaker, a timeout or an unreachable
   * dependency throws DependencyUnavailableError (503 with Retry-After); caller errors and
   * other errors are rethrown as they are. There is no fallback: we never invent data.
   */
  fire(...args: TArgs): Promise<TResult>;
  state(): BreakerState;
  /** Readiness detail: resolves with the state and never fails readiness (an open breaker is not our outage). */
  breakerCheck(): Promise<{ state: BreakerState }>;
  /** Stops the breaker's timers; later calls fail. */
  shutdown(): void;
}

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };
const COUNTED_EVENTS = ['success', 'failure', 'timeout', 'reject', 'open', 'close', 'halfOpen'] as const;

const isClientAppError = (error: unknown) => error instanceof AppError && error.httpStatus >= 400 && error.httpStatus < 500;

/** Wraps a call to another service (named `name`, e.g. 'user-service') in a circuit breaker. */
export function createBreaker<TArgs extends unknown[], TResult>(
  name: string,
  action: (...args: TArgs) => Promise<TResult>,
  options: BreakerOptions = {},
): Breaker<TArgs, TResult> {
  const isCallerError = options.isCallerError ?? isClientAppError;
  const resetTimeoutMs = options.resetTimeoutMs ?? BREAKER_DEFAULTS.resetTimeoutMs;
  const breaker = new CircuitBreaker<TArgs, TResult>(action, {
    name,
    timeout: options.timeoutMs ?? BREAKER_DEFAULTS.timeoutMs,
    errorThresholdPercentage: options.errorThresholdPercentage ?? BREAKER_DEFAULTS.errorThresholdPercentage,
    resetTimeout: resetTimeoutMs,
    volumeThreshold: options.volumeThreshold ?? BREAKER_DEFAULTS.volumeThreshold,
    rollingCountTimeout: options.rollingCountTimeoutMs ?? BREAKER_DEFAULTS.rollingCountTimeoutMs,
    rollingCountBuckets: ROLLING_COUNT_BUCKETS,
    errorFilter: (error: unknown) => isCallerError(error),
  });

  let openedAt = 0;
  const state = (): BreakerState => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed');
  const recordState = () => breakerState.set({ breaker: name }, STATE_VALUE[state()]);
  recordState();
  // Opossum's typings overload on() per event; as a plain emitter it takes them all.
  const emitter: NodeJS.EventEmitter = breaker;
  for (const event of COUNTED_EVENTS) emitter.on(event, () => breakerEvents.inc({ breaker: name, event }));
  breaker.on('open', () => {
    openedAt = Date.now();
    recordState();
    log.warn('Circuit breaker opened', { breaker: name, resetTimeoutMs });
  });
  breaker.on('halfOpen', () => {
    recordState();
    log.info('Circuit breaker half-open, trying one call', { breaker: name });
  });
  breaker.on('close', () => {
    recordState();
    log.info('Circuit breaker closed', { breaker: name });
  });

  // While open, clients may come back when the trial call is due; otherwise after a full reset
  // period. DependencyUnavailableError spreads it over [base, 2 × base] so they do not come as a herd.
  const retryAfterSeconds = () => {
    const remainingMs = breaker.opened ? openedAt + resetTimeoutMs - Date.now() : resetTimeoutMs;
    return Math.max(1, Math.ceil(remainingMs / 1000));
  };

  const translate = (error: unknown): unknown => {
    if (isCallerError(error)) return error;
    const code = (error as { code?: unknown } | null)?.code;
    const ours = error instanceof Error && CircuitBreaker.isOurError(error);
    if ((ours && (code === 'EOPENBREAKER' || code === 'ETIMEDOUT')) || isDependencyFailure(error)) {
      return new DependencyUnavailableError(name, retryAfterSeconds(), error);
    }
    return error;
  };

  return {
    name,
    async fire(...args: TArgs): Promise<TResult> {
      try {
        return await breaker.fire(...args);
      } catch (error) {
        throw translate(error);
      }
    },
    state,
    breakerCheck: async () => ({ state: state() }),
    shutdown: () => breaker.shutdown(),
  };
}
