import { pageQuery, z } from '@shop/platform/openapi';
import { NOTIFICATION_STATUSES } from '../../domain/notification';

// Request and response shapes; the same schemas validate input and produce the OpenAPI document.

export const listNotificationsQuery = pageQuery;

export const notificationResponse = z
  .object({
    id: z.uuid(),
    type: z.string().openapi({ example: 'order.paid' }),
    orderId: z.uuid(),
    recipient: z.email().openapi({ description: 'The address mailed; erased@deleted-user.invalid once the account is deleted' }),
    subject: z.string(),
    status: z.enum(NOTIFICATION_STATUSES),
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
  })
  .openapi('Notification');

export const notificationsPage = z
  .object({ items: z.array(notificationResponse), nextCursor: z.string().nullable() })
  .openapi('NotificationsPage');
