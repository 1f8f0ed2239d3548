import { defineSubscription } from '@shop/platform/messaging';
import type { Db } from '../../data-access/database';
import { catalogProductFields, toCatalogProduct } from '../../domain/catalog-product';
import { applyProductChange } from '../../domain/catalog-read-model';

/** Every product event catalog-service publishes carries the product's whole state and version. */
export const PRODUCT_EVENTS = ['product.created', 'product.updated', 'product.stock_changed'] as const;

/** A product.* event → order-service's copy of the product (newest version wins, so redeliveries and reordering are harmless). */
export const onProductChanged = (db: Db, type: (typeof PRODUCT_EVENTS)[number]) =>
  defineSubscription(type, catalogProductFields, async (event) => {
    await applyProductChange(db, toCatalogProduct(event.payload));
  });
