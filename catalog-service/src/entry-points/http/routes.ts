import { defineRoute, type RouteContext } from '@shop/platform/http';
import type { CatalogDb } from '../../data-access/database';
import { adjustStock } from '../../domain/adjust-stock-use-case';
import { createProduct } from '../../domain/create-product-use-case';
import { browseProducts, getProduct, readProductSnapshot } from '../../domain/product-queries';
import { updateProductDetails } from '../../domain/update-product-use-case';
import {
  browseProductsQuery,
  createProductBody,
  productIdParams,
  productResponse,
  productSnapshotPage,
  productView,
  productsPage,
  snapshotQuery,
  stockAdjustmentBody,
  updateProductBody,
} from './product-schemas';

/** The catalog-service's routes: thin adapters from HTTP to the domain functions. */
export function defineCatalogRoutes(ctx: RouteContext, deps: { db: CatalogDb }): void {
  const { db } = deps;
  const tags = ['products'];
  const adminOnly = { 403: { description: 'Not an admin' } };

  defineRoute(ctx, {
    method: 'get', path: '/products', summary: 'Browse the catalog, newest first (admins also see inactive products)', tags,
    access: 'public', query: browseProductsQuery,
    responses: { 200: { description: 'A page of products (admins also get reserved)', schema: productsPage } },
    handler: async ({ caller, query }) => ({ status: 200, body: await browseProducts(db, caller, query) }),
  });

  defineRoute(ctx, {
    method: 'get', path: '/products/:id', summary: 'One product', tags, access: 'public', params: productIdParams,
    responses: { 200: { description: 'The product (admins also get reserved)', schema: productView }, 404: { description: 'Unknown, or inactive (to all but admins)' } },
    handler: async ({ caller, params }) => ({ status: 200, body: await getProduct(db, caller, params.id) }),
  });

  defineRoute(ctx, {
    method: 'post', path: '/products', summary: 'Create a product (admins only)', tags, access: 'user', body: createProductBody,
    responses: { 201: { description: 'Created', schema: productResponse }, ...adminOnly, 409: { description: 'sku-taken: another product has this sku, in any case' } },
    handler: async ({ caller, body }) => ({ status: 201, body: await createProduct(db, caller, body, new Date()) }),
  });

  defineRoute(ctx, {
    method: 'patch', path: '/products/:id', summary: 'Change name, description, price or active (admins only)', tags, access: 'user',
    params: productIdParams, body: updateProductBody,
    responses: { 200: { description: 'The changed product', schema: productResponse }, ...adminOnly, 404: { description: 'Unknown product' } },
    handler: async ({ caller, params, body }) => ({ status: 200, body: await updateProductDetails(db, caller, params.id, body, new Date()) }),
  });

  defineRoute(ctx, {
    method: 'post', path: '/products/:id/stock-adjustments', summary: 'Add units to or remove units from the stock (admins only)', tags,
    access: 'user', params: productIdParams, body: stockAdjustmentBody,
    responses: {
      200: { description: 'The product with its new stock', schema: productResponse },
      ...adminOnly,
      404: { description: 'Unknown product' },
      409: { description: 'insufficient-stock: the stock would go below zero; nothing changed' },
    },
    handler: async ({ caller, params, body }) => ({ status: 200, body: await adjustStock(db, caller, params.id, body, new Date()) }),
  });

  defineRoute(ctx, {
    method: 'get', path: '/product-snapshot', summary: 'Every product, active and inactive, in id order (services only)', tags: ['internal'],
    access: 'caller', query: snapshotQuery,
    responses: { 200: { description: 'A page of the snapshot; nextAfter is null on the last page', schema: productSnapshotPage }, 403: { description: 'Not a service' } },
    handler: async ({ caller, query }) => ({ status: 200, body: await readProductSnapshot(db, caller, query) }),
  });
}
