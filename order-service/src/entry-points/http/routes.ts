import { defineRoute, type RouteContext } from '@shop/platform/http';
import { cancelOrder } from '../../domain/cancel-order-use-case';
import { toOrderResponse } from '../../domain/order';
import { getOwnOrder, listOwnOrders } from '../../domain/order-queries';
import { placeOrder, type PlaceOrderDeps } from '../../domain/place-order-use-case';
import { idempotencyHeaders, listOrdersQuery, orderIdParams, orderResponse, ordersPage, placeOrderBody } from './order-schemas';

/** The order-service's routes: thin adapters from HTTP to the domain functions. */
export function defineOrderRoutes(ctx: RouteContext, deps: PlaceOrderDeps): void {
  const { db } = deps;
  const tags = ['orders'];

  defineRoute(ctx, {
    method: 'post', path: '/orders', summary: 'Place an order for the signed-in user', tags, access: 'user',
    body: placeOrderBody, headers: idempotencyHeaders,
    responses: {
      201: { description: 'Order placed, PENDING: stock is reserved, then payment is taken (both asynchronously)', schema: orderResponse },
      422: {
        description:
          'A line names an unknown product (product-not-found) or one not sold any more (product-not-available), lines priced in different currencies (currency-mismatch), Idempotency-Key reused with another body, unknown customer, or total too large; details.line says which line',
      },
      503: { description: 'user-service unavailable (circuit open or timeout), or the catalog copy not filled yet; Retry-After says when to retry' },
    },
    handler: async ({ caller, body, headers }) => {
      const placed = await placeOrder(deps, caller.userId, body, headers['idempotency-key']);
      return { status: placed.statusCode, body: placed.body };
    },
  });

  defineRoute(ctx, {
    method: 'get', path: '/orders', summary: "The signed-in user's orders, newest first", tags, access: 'user',
    query: listOrdersQuery,
    responses: { 200: { description: 'A page of orders', schema: ordersPage } },
    handler: async ({ caller, query }) => ({ status: 200, body: await listOwnOrders(db, caller.userId, query) }),
  });

  defineRoute(ctx, {
    method: 'get', path: '/orders/:id', summary: 'One of the signed-in user\'s orders', tags, access: 'user',
    params: orderIdParams,
    responses: { 200: { description: 'The order', schema: orderResponse }, 404: { description: 'No such order of yours' } },
    handler: async ({ caller, params }) => ({ status: 200, body: toOrderResponse(await getOwnOrder(db, caller.userId, params.id)) }),
  });

  defineRoute(ctx, {
    method: 'post', path: '/orders/:id/cancel', summary: 'Cancel a PENDING or PAID order (a PAID order is refunded)', tags, access: 'user',
    params: orderIdParams,
    responses: {
      200: { description: 'CANCELLED (also when it already was); a PAID order\'s payment is refunded asynchronously (refundedAt appears then)', schema: orderResponse },
      404: { description: 'No such order of yours' },
      409: { description: 'The order is PAYMENT_FAILED or REJECTED (invalid-order-transition), or kept changing while being cancelled (order-changed-concurrently)' },
    },
    handler: async ({ caller, params }) => ({ status: 200, body: await cancelOrder(db, caller.userId, params.id) }),
  });
}
