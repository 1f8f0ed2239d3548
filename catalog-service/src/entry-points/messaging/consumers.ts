import type { EventBus } from '@shop/platform/messaging';
import type { CatalogDb } from '../../data-access/database';
import { onOrderCreated } from './on-order-created';
import { onOrderSettled, SETTLEMENT_TRIGGERS } from './on-order-settled';

/** Every event catalog-service consumes: the order saga's reservation steps. */
export function subscribeCatalogConsumers(bus: EventBus, db: CatalogDb): void {
  bus.subscribe(onOrderCreated(db));
  for (const trigger of SETTLEMENT_TRIGGERS) bus.subscribe(onOrderSettled(db, trigger));
}
