import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { getLogger } from '../logging';

const log = getLogger('lifecycle');

/**
 * The first step of a graceful stop: /ready answers 503 while the service keeps serving
 * everything else, for drainMs, so whoever balances load by /ready (the gateway, a Kubernetes
 * Service) stops sending before the server stops accepting. Nothing is refused in that time.
 */
export class Drain {
  private draining = false;

  /** True once drain() began. */
  get isDraining(): boolean {
    return this.draining;
  }

  /** Wraps a request listener: while draining, GET /ready answers 503 without running its checks. */
  wrap(app: RequestListener): RequestListener {
    return (req: IncomingMessage, res: ServerResponse) => {
      if (this.draining && /^\/ready(\?|$)/.test(req.url ?? '')) {
        res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ status: 'not-ready', checks: { shutdown: { ok: false, error: 'draining' } } }));
        return;
      }
      app(req, res);
    };
  }

  /** Fails /ready from now on and resolves drainMs later. */
  async drain(drainMs: number): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    if (drainMs <= 0) return;
    log.info('Draining: /ready answers 503, requests are still served', { drainMs });
    await sleep(drainMs);
  }
}
