import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitFor } from '@shop/platform/testing';

/** A mail the sink accepted: envelope sender and recipients, and the RFC 822 text as sent. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * A real SMTP server on a free port that keeps what it receives, for tests. `reject()` makes it
 * refuse MAIL FROM with an SMTP error (a 4xx or 5xx) to stage an outage: for the next `times`
 * mails, or until `accept()`.
 */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  /** MAIL FROM commands refused so far. */
  rejected = 0;
  /** SMTP connections opened to the sink so far. */
  connections = 0;
  private rejection: { code: number; message: string; remaining: number } | undefined;
  private readonly server = new SMTPServer({
    // Plain SMTP like Mailpit: no STARTTLS (our self-signed certificate would be refused), optional AUTH.
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    closeTimeout: 500,
    onConnect: (_session, callback) => {
      this.connections += 1;
      callback();
    },
    onMailFrom: (_address, _session, callback) => {
      const rejection = this.rejection;
      if (!rejection) return callback();
      if (--rejection.remaining <= 0) this.rejection = undefined;
      this.rejected += 1;
      callback(Object.assign(new Error(rejection.message), { responseCode: rejection.code }));
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        this.mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  private listenPort = 0;

  get port(): number {
    return this.listenPort;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.listenPort = (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Refuses the next `times` mails (all of them when omitted) with `code`, e.g. 451 or 550. */
  reject(code: number, options: { times?: number; message?: string } = {}): void {
    const message = options.message ?? (code >= 500 ? 'Mailbox unavailable (test outage)' : 'Try again later (test outage)');
    this.rejection = { code, message, remaining: options.times ?? Number.POSITIVE_INFINITY };
  }

  /** Takes mail again. */
  accept(): void {
    this.rejection = undefined;
  }

  /** Mails whose envelope recipients include address. */
  mailsTo(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to.includes(address));
  }

  /** Resolves with the mails to address once at least count arrived. */
  async waitForMailsTo(address: string, count = 1, timeoutMs = 5000): Promise<ReceivedMail[]> {
    await waitFor(() => this.mailsTo(address).length >= count, {
      timeoutMs,
      what: () => `${count} mail(s) to ${address}, got ${this.mailsTo(address).length}`,
    });
    return this.mailsTo(address);
  }
}

/** A header of a raw mail, unfolded (first occurrence), or undefined. */
export function headerOf(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** The body of a single-part raw mail, decoded when it is quoted-printable (mailparser is not available here). */
export function bodyOf(raw: string): string {
  const separator = /\r?\n\r?\n/.exec(raw);
  const body = separator ? raw.slice(separator.index + separator[0].length) : '';
  if (!/quoted-printable/i.test(headerOf(raw, 'Content-Transfer-Encoding') ?? '')) return body.replace(/\r\n/g, '\n');
  const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
}
