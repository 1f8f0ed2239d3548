import { createServiceClient } from '@shop/platform/resilience';
import { z } from 'zod';
import { catalogProductFields, toCatalogProduct, type CatalogProduct } from './catalog-product';

/** One page of catalog-service's snapshot: products in id order, and where the next page starts. */
export interface SnapshotPage {
  products: CatalogProduct[];
  nextAfter: string | null;
}

export interface CatalogClientOptions {
  baseUrl: string | readonly string[];
  serviceToken: string;
  timeoutMs: number;
}

const snapshotPage = z.object({ items: z.array(catalogProductFields), nextAfter: z.uuid().nullable() });

/** Reads catalog-service's product snapshot page by page (GET /product-snapshot, a service-only route). */
export function createCatalogSnapshotReader(options: CatalogClientOptions): (after: string | null) => Promise<SnapshotPage> {
  const client = createServiceClient({ service: 'catalog-service', ...options });
  return async (after) => {
    const query = new URLSearchParams({ limit: '500', ...(after ? { after } : {}) });
    const res = await client.get(`/product-snapshot?${query.toString()}`);
    if (res.status !== 200) throw new Error(`catalog-service answered ${res.status} to a snapshot read`);
    const page = snapshotPage.parse(res.body);
    return { products: page.items.map(toCatalogProduct), nextAfter: page.nextAfter };
  };
}
