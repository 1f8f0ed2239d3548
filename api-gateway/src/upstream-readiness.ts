import type { Agent } from 'node:http';
import type { ReadinessChecks } from '@shop/platform/http';
import { getFromUpstream, upstreamUrl } from './upstream-client';
import type { UpstreamPool } from './upstream-pool';

/**
 * One /ready check per service that reports whether its /health answers (on the replica the
 * next request would go to), and never fails: a service being down must not take the gateway
 * out of rotation (its routes answer 502).
 */
export function upstreamReadinessChecks(services: Array<Pick<UpstreamPool, 'name' | 'pick'>>, agent: Agent, timeoutMs = 1000): ReadinessChecks {
  return Object.fromEntries(
    services.map((service) => [
      service.name,
      async () => {
        try {
          const { status } = await getFromUpstream(upstreamUrl(service.pick()!, '/health'), { agent, timeoutMs });
          return status === 200 ? { reachable: true } : { reachable: false, error: `answered ${status}` };
        } catch (error) {
          // /ready is public: the error code (ECONNREFUSED, ENOTFOUND...) helps, the message would show internal addresses.
          return { reachable: false, error: (error as NodeJS.ErrnoException).code ?? 'no answer in time' };
        }
      },
    ]),
  );
}
