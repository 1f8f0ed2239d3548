import { request, type Agent } from 'node:http';

/** A service's URL for path, keeping any base path of its target. */
export const upstreamUrl = (target: string, path: string) => `${target.replace(/\/+$/, '')}${path}`;

export interface UpstreamGetOptions {
  agent: Agent;
  /** Longest the whole call may take, in ms. */
  timeoutMs: number;
  /** Largest body read; a longer one fails the call. Default 5 MB. */
  maxBytes?: number;
}

/** GETs url through the shared agent and resolves with status and body; rejects on network errors and timeouts. */
export function getFromUpstream(url: string, options: UpstreamGetOptions): Promise<{ status: number; body: Buffer }> {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: options.agent, headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) req.destroy(new Error(`response larger than ${maxBytes} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    // A deadline for the whole call, not an idle timeout: a service that trickles bytes cannot hold it.
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.end();
  });
}

/** GETs url and parses a 2xx JSON body; anything else rejects. */
export async function getJsonFromUpstream(url: string, options: UpstreamGetOptions): Promise<unknown> {
  const { status, body } = await getFromUpstream(url, options);
  if (status < 200 || status >= 300) throw new Error(`answered ${status}`);
  return JSON.parse(body.toString('utf8')) as unknown;
}
