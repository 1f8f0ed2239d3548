/** A mail to one customer, plain text only. */
export interface OutgoingMail {
  /** Stable per notification; becomes the Message-ID, so a rare duplicate is recognisably the same mail. */
  id: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
}

/**
 * Sends mail; resolves once the SMTP server accepted the message and rejects with
 * MailDeliveryFailed otherwise. Implemented over SMTP in data-access/smtp-mailer.ts.
 */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  /** Longest a send may take before it is given up, in ms. */
  readonly deliveryTimeoutMs: number;
}
