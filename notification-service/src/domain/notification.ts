export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** One mail sent (or being sent) because of one event. */
export interface Notification {
  id: string;
  /** The id of the event that caused it: one notification per event. */
  eventId: string;
  eventType: string;
  userId: string;
  orderId: string;
  recipient: string;
  subject: string;
  status: NotificationStatus;
  /** Deliveries tried, successful or not. */
  attempts: number;
  /** Why the last failed delivery failed; kept after a later success. */
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** The notification as its owner sees it (no attempts or SMTP errors). */
export function toNotificationResponse(notification: Notification) {
  return {
    id: notification.id,
    type: notification.eventType,
    orderId: notification.orderId,
    recipient: notification.recipient,
    subject: notification.subject,
    status: notification.status,
    createdAt: notification.createdAt.toISOString(),
    sentAt: notification.sentAt?.toISOString() ?? null,
  };
}
