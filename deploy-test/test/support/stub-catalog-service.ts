import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running stand-in: its base URL, and how to stop it. */
export interface StubService {
  url: string;
  stop(): Promise<void>;
}

/**
 * A loopback stand-in for catalog-service with an empty catalog: GET /product-snapshot answers
 * one last page with no products (`{ items: [], nextAfter: null }`) to a caller with the service
 * token (x-service-token), 401 otherwise; anything else is 404. Enough for a service that fills
 * its catalog copy at start (order-service) to become ready.
 */
export async function startStubCatalogService(serviceToken: string): Promise<StubService> {
  const server: Server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://stub');
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || pathname !== '/product-snapshot') return answer(404, { code: 'not-found', message: 'Not found' });
    if (req.headers['x-service-token'] !== serviceToken) return answer(401, { code: 'unauthenticated', message: 'Service token missing or wrong' });
    return answer(200, { items: [], nextAfter: null });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
