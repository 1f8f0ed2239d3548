import { defineRoute, type RouteContext } from '@shop/platform/http';
import type { NotificationDb } from '../../data-access/database';
import { listOwnNotifications } from '../../domain/notification-queries';
import { listNotificationsQuery, notificationsPage } from './notification-schemas';

/** The notification-service's routes: thin adapters from HTTP to the domain functions. */
export function defineNotificationRoutes(ctx: RouteContext, db: NotificationDb): void {
  defineRoute(ctx, {
    method: 'get', path: '/notifications', summary: "The signed-in user's notifications, newest first", tags: ['notifications'], access: 'user',
    query: listNotificationsQuery,
    responses: { 200: { description: 'A page of notifications', schema: notificationsPage } },
    handler: async ({ caller, query }) => ({ status: 200, body: await listOwnNotifications(db, caller.userId, query) }),
  });
}
