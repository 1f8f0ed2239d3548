import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDENTITY_HEADERS } from '@shop/platform/http';

/** A product as catalog-service's snapshot and product.* events carry it. */
export interface CatalogProductFields {
  productId: string;
  sku: string;
  name: string;
  description: string | null;
  priceCents: number;
  currency: string;
  stock: number;
  active: boolean;
  version: number;
  updatedAt: string;
}

/** A product with a fresh id; override any field. */
export function buildProduct(overrides: Partial<CatalogProductFields> = {}): CatalogProductFields {
  const productId = overrides.productId ?? randomUUID();
  return {
    productId,
    sku: `SKU-${productId.slice(0, 8)}`,
    name: 'The Art of Computer Programming',
    description: null,
    priceCents: 1999,
    currency: 'EUR',
    stock: 10,
    active: true,
    version: 1,
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}

/**
 * Stands in for catalog-service at the HTTP boundary: answers GET /product-snapshot (the route
 * order-service fills its catalog copy from) with the products a test gives it, checks the
 * service token, and can be stopped.
 */
export class StubCatalogService {
  private server: http.Server | undefined;
  private port = 0;
  /** Snapshot pages served so far. */
  pagesServed = 0;

  constructor(
    private readonly serviceToken: string,
    readonly products: CatalogProductFields[] = [],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      const answer = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.headers[IDENTITY_HEADERS.serviceToken] !== this.serviceToken) return answer(401, { code: 'unauthorized' });
      const url = new URL(req.url ?? '/', 'http://stub');
      if (url.pathname !== '/product-snapshot') return answer(404, { code: 'route-not-found' });
      const after = url.searchParams.get('after');
      const limit = Number(url.searchParams.get('limit') ?? 500);
      const sorted = [...this.products].sort((a, b) => a.productId.localeCompare(b.productId));
      const rest = after ? sorted.filter((p) => p.productId > after) : sorted;
      const items = rest.slice(0, limit);
      this.pagesServed++;
      return answer(200, { items, nextAfter: rest.length > limit ? items.at(-1)!.productId : null });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops answering: new connections are refused, open ones are cut. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
