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
