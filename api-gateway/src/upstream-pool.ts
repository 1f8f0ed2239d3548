import type { Agent } from 'node:http';
import { getLogger } from '@shop/platform/logging';
import { getFromUpstream, upstreamUrl } from './upstream-client';

const log = getLogger('upstream-pool');

export interface UpstreamProbeOptions {
  agent: Agent;
  /** How often each replica's /ready is asked, in ms. */
  intervalMs: number;
  /** Longest one /ready answer may take, in ms; a slower one leaves what the pool believes unchanged. */
  timeoutMs: number;
}

/**
 * The replicas of one service (its base URLs) and which of them the gateway believes ready.
 * Requests go round-robin over the ready ones; when none is believed ready, over all of them
 * (the service's own answer, or the 502 of a refused connection, then tells the client the
 * truth). With two or more replicas each one's /ready is polled: a replica that drains on
 * SIGTERM answers 503 there for SHUTDOWN_DRAIN_MS while it still serves, so the gateway stops
 * sending to it before it stops accepting. A single replica is never polled: there is nowhere
 * else to send.
 */
export class UpstreamPool {
  private readonly unready = new Set<string>();
  private readonly probing = new Set<string>();
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    readonly targets: readonly string[],
  ) {
    if (targets.length === 0) throw new Error(`${name}: no base URL`);
  }

  /** The next replica to send to, skipping those in `tried`; undefined when every replica was tried. */
  pick(tried?: ReadonlySet<string>): string | undefined {
    const candidates = tried ? this.targets.filter((target) => !tried.has(target)) : this.targets;
    if (candidates.length === 0) return undefined;
    const ready = candidates.filter((target) => !this.unready.has(target));
    const from = ready.length > 0 ? ready : candidates;
    this.cursor = (this.cursor + 1) % 1_000_000;
    return from[this.cursor % from.length];
  }

  /** How many replicas are believed ready. */
  get readyCount(): number {
    return this.targets.length - this.unready.size;
  }

  /** A replica refused a connection: out of rotation until its /ready answers 200 again. */
  markUnready(target: string): void {
    if (this.targets.length > 1 && !this.unready.has(target)) {
      this.unready.add(target);
      log.info('Replica out of rotation', { upstream: this.name, target });
    }
  }

  /** Starts polling each replica's /ready (only with two or more replicas). */
  startProbing(options: UpstreamProbeOptions): void {
    if (this.targets.length < 2 || this.timer) return;
    this.timer = setInterval(() => {
      for (const target of this.targets) void this.probe(target, options);
    }, options.intervalMs);
    this.timer.unref();
  }

  stopProbing(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async probe(target: string, options: UpstreamProbeOptions): Promise<void> {
    // One question at a time per replica: a slow one is not asked again before it answered.
    if (this.probing.has(target)) return;
    this.probing.add(target);
    try {
      const { status } = await getFromUpstream(upstreamUrl(target, '/ready'), { agent: options.agent, timeoutMs: options.timeoutMs });
      if (status === 200) this.markReady(target);
      else this.markUnready(target);
    } catch (error) {
      // A refused or reset connection means the replica is gone; no answer in time means busy, not gone.
      if ((error as NodeJS.ErrnoException).code) this.markUnready(target);
    } finally {
      this.probing.delete(target);
    }
  }

  private markReady(target: string): void {
    if (this.unready.delete(target)) log.info('Replica back in rotation', { upstream: this.name, target });
  }
}
