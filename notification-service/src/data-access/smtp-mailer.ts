import { getLogger } from '@shop/platform/logging';
import { createTransport } from 'nodemailer';
import type { Mailer, OutgoingMail } from '../domain/mailer';
import { MailDeliveryFailed } from '../domain/notification-errors';

const log = getLogger('smtp-mailer');

/** How to reach the SMTP server (Mailpit locally, a relay in production). */
export interface SmtpMailerOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  /** Credentials; no AUTH when user is unset. */
  user?: string | undefined;
  password?: string | undefined;
  /** Sender of every mail, e.g. `Microshop <orders@microshop.local>`. */
  from: string;
  /** Limit for connecting, for the greeting and for each reply, in ms; a whole send gets twice that. */
  timeoutMs: number;
  /** Pooled SMTP connections. Default 5. */
  maxConnections?: number;
}

/** What /ready reports about SMTP: the outcome of the last delivery (no probe traffic). */
export interface SmtpStatus {
  lastDelivery: 'none' | 'succeeded' | 'failed';
  lastDeliveryAt?: string;
  lastError?: string;
}

export interface SmtpMailer extends Mailer {
  /** Readiness detail; always resolves, because an SMTP outage only delays mail (the bus retries it). */
  check(): Promise<SmtpStatus>;
  /** Closes the pool's connections (after the consumers stopped, so nothing is mid-delivery). */
  close(): Promise<void>;
}

/**
 * One pooled nodemailer transport for the life of the service. Each send is bounded by an
 * AbortSignal on top of the socket timeouts, so a server that trickles its replies cannot hold a
 * consumer (and its database row lock) for long. Errors become MailDeliveryFailed with the
 * server's reply.
 */
export function createSmtpMailer(options: SmtpMailerOptions): SmtpMailer {
  const deliveryTimeoutMs = 2 * options.timeoutMs;
  const transport = createTransport(
    {
      pool: true,
      host: options.host,
      port: options.port,
      secure: options.secure,
      ...(options.user ? { auth: { user: options.user, pass: options.password ?? '' } } : {}),
      maxConnections: options.maxConnections ?? 5,
      // nodemailer closes a pooled connection after 100 mails by default; opening a new one
      // costs a TCP handshake, the greeting and EHLO for nothing. Connections still close when
      // idle or broken, and the pool opens new ones.
      maxMessages: Infinity,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    },
    // We never attach files or fetch URLs: refuse both, whatever a message might contain.
    { from: options.from, disableFileAccess: true, disableUrlAccess: true },
  );
  let status: SmtpStatus = { lastDelivery: 'none' };
  const messageDomain = /@([^>\s]+)/.exec(options.from)?.[1] ?? 'localhost';

  return {
    deliveryTimeoutMs,
    async send(mail: OutgoingMail): Promise<void> {
      try {
        await transport.sendMail({
          messageId: `<${mail.id}@${messageDomain}>`,
          to: { name: mail.to.name, address: mail.to.address },
          subject: mail.subject,
          text: mail.text,
          // Deterministic encoding of the body, whatever characters the amounts and names use.
          textEncoding: 'quoted-printable',
          signal: AbortSignal.timeout(deliveryTimeoutMs),
        });
        status = { lastDelivery: 'succeeded', lastDeliveryAt: new Date().toISOString() };
      } catch (error) {
        const reason = describeSmtpError(error);
        status = { lastDelivery: 'failed', lastDeliveryAt: new Date().toISOString(), lastError: reason };
        throw new MailDeliveryFailed(reason, error);
      }
    },
    check: async () => status,
    async close(): Promise<void> {
      transport.close();
      log.debug('SMTP pool closed');
    },
  };
}

/** "EENVELOPE: Mail command failed: 451 4.3.0 try again later" — nodemailer's code, then its message (which quotes the server). */
function describeSmtpError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
