import { defineRoute, type RouteContext } from '@shop/platform/http';
import type { PaymentDb } from '../../data-access/database';
import { addPaymentMethod } from '../../domain/add-payment-method-use-case';
import { listOwnPaymentMethods } from '../../domain/payment-method-queries';
import { getOwnPayment, listOwnPaymentsForOrder } from '../../domain/payment-queries';
import { removePaymentMethod } from '../../domain/remove-payment-method-use-case';
import { addPaymentMethodBody, paymentMethodIdParams, paymentMethodList, paymentMethodResponse } from './payment-method-schemas';
import { paymentIdParams, paymentList, paymentResponse, paymentsQuery } from './payment-schemas';

/** The payment-service's routes: thin adapters from HTTP to the domain functions. */
export function definePaymentRoutes(ctx: RouteContext, deps: { db: PaymentDb }): void {
  const { db } = deps;
  const methods = ['payment methods'];
  const payments = ['payments'];

  // /payments/methods before /payments/:id, so "methods" is never read as a payment id.
  defineRoute(ctx, {
    method: 'post', path: '/payments/methods', summary: 'Save a card for the signed-in user', tags: methods, access: 'user',
    body: addPaymentMethodBody,
    responses: {
      201: { description: 'Saved: brand and last four digits only', schema: paymentMethodResponse },
      400: { description: 'Invalid input, or a failed card rule: card-number-invalid, card-brand-not-accepted, card-expired' },
    },
    handler: async ({ caller, body }) => ({ status: 201, body: await addPaymentMethod(db, caller.userId, body, new Date()) }),
  });

  defineRoute(ctx, {
    method: 'get', path: '/payments/methods', summary: "The signed-in user's saved cards, newest first", tags: methods, access: 'user',
    responses: { 200: { description: 'Saved cards (deleted ones excluded)', schema: paymentMethodList } },
    handler: async ({ caller }) => ({ status: 200, body: await listOwnPaymentMethods(db, caller.userId) }),
  });

  defineRoute(ctx, {
    method: 'delete', path: '/payments/methods/:id', summary: 'Delete one of the signed-in user\'s cards', tags: methods, access: 'user',
    params: paymentMethodIdParams,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such card of yours' } },
    handler: async ({ caller, params }) => {
      await removePaymentMethod(db, caller.userId, params.id, new Date());
      return { status: 204 };
    },
  });

  defineRoute(ctx, {
    method: 'get', path: '/payments', summary: "The signed-in user's payments for an order", tags: payments, access: 'user',
    query: paymentsQuery,
    responses: {
      200: { description: 'Empty while the order is not charged, and for orders that are not yours', schema: paymentList },
    },
    handler: async ({ caller, query }) => ({ status: 200, body: await listOwnPaymentsForOrder(db, caller.userId, query.orderId) }),
  });

  defineRoute(ctx, {
    method: 'get', path: '/payments/:id', summary: "One of the signed-in user's payments", tags: payments, access: 'user',
    params: paymentIdParams,
    responses: { 200: { description: 'The payment', schema: paymentResponse }, 404: { description: 'No such payment of yours' } },
    handler: async ({ caller, params }) => ({ status: 200, body: await getOwnPayment(db, caller.userId, params.id) }),
  });
}
