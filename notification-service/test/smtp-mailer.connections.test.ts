import { setLoggingSilent } from '@shop/platform/logging';
import { createSmtpMailer, type SmtpMailer } from '../src/data-access/smtp-mailer';
import { SmtpSink } from '@shop/platform/testing';

let sink: SmtpSink;
let mailer: SmtpMailer;

beforeAll(async () => {
  setLoggingSilent(true);
  sink = new SmtpSink();
  await sink.start();
  mailer = createSmtpMailer({ host: '127.0.0.1', port: sink.port, secure: false, from: 'Microshop <orders@microshop.local>', timeoutMs: 2000, maxConnections: 1 });
});
afterAll(async () => {
  await mailer.close();
  await sink.stop();
  setLoggingSilent(false);
});

describe('SMTP connection reuse', () => {
  test('When more mails are sent than nodemailer sends per connection by default (100), then they all go over one connection', async () => {
    // Act: one after the other, as a consumer with one free connection would.
    for (let i = 0; i < 105; i++) {
      await mailer.send({ id: `mail-${i}`, to: { name: 'Ada', address: 'ada@example.test' }, subject: 'Hello', text: `Mail ${i}` });
    }

    // Assert
    expect(sink.mails).toHaveLength(105);
    expect(sink.connections).toBe(1);
  });
});
