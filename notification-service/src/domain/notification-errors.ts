import { AppError } from '@shop/platform/errors';

/**
 * The SMTP server refused the mail, or could not be reached in time. The message carries the
 * server's reply when there is one (e.g. "451 4.3.0 try again later"); it is what the
 * notification row records as last_error and what the retried message carries as x-error.
 */
export class MailDeliveryFailed extends AppError {
  constructor(reason: string, cause?: unknown) {
    super({ code: 'mail-delivery-failed', message: `Mail not delivered: ${reason}`, httpStatus: 503, cause });
  }
}

/** Another sender holds the delivery of this event right now; the bus retries the message later. */
export class NotificationBusy extends AppError {
  constructor(eventId: string) {
    super({ code: 'notification-busy', message: `The notification of event ${eventId} is being sent by another consumer`, httpStatus: 503 });
  }
}
