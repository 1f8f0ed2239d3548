import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './broker';

/** A mail the sink accepted: envelope sender and recipients, its subject, and the RFC 822 text as sent. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  raw: string;
}

/** Where the sink listens and who hears of each mail. */
export interface SmtpSinkOptions {
  /** Port on 127.0.0.1; 0 (the default) takes a free one. */
  port?: number;
  /** Called with each mail accepted (the stack prints a line per mail). */
  onMail?: (mail: ReceivedMail) => void;
}

/**
 * A real SMTP server on 127.0.0.1 that keeps what it receives: the tests' mailbox and the local
 * stack's mail sink (Mailpit plays this part under Docker Compose). `reject()` makes it refuse
 * MAIL FROM with an SMTP error (a 4xx or 5xx) to stage an outage: for the next `times` mails,
 * or until `accept()`.
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
      if (this.held) {
        // A slow mail server: the sender waits for our answer until release().
        this.held.push(() => this.onMailFromNow(callback));
        return;
      }
      this.onMailFromNow(callback);
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          subject: headerOf(raw, 'Subject') ?? '',
          raw,
        };
        this.mails.push(mail);
        this.options.onMail?.(mail);
        callback();
      });
    },
  });
  private listenPort = 0;
  private held: Array<() => void> | undefined;

  constructor(private readonly options: SmtpSinkOptions = {}) {}

  get port(): number {
    return this.listenPort;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
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

  /** Stalls every mail at MAIL FROM until release(), as a slow or hanging mail server would. */
  hold(): void {
    this.held ??= [];
  }

  /** Mails stalled by hold() right now. */
  get waiting(): number {
    return this.held?.length ?? 0;
  }

  /** Answers the stalled mails and stops stalling. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const answer of held) answer();
  }

  private onMailFromNow(callback: (error?: Error) => void): void {
    const rejection = this.rejection;
    if (!rejection) return callback();
    if (--rejection.remaining <= 0) this.rejection = undefined;
    this.rejected += 1;
    callback(Object.assign(new Error(rejection.message), { responseCode: rejection.code }));
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
