// A local SMTP server that accepts every mail and keeps it in memory: the stack's mail sink
// (Mailpit plays this part under Docker Compose) and the end-to-end test's mailbox.
'use strict';
const { SMTPServer } = require('smtp-server');

/** Starts the sink on port (0 = any free port); onMail is called with each mail received. */
async function startSmtpSink(port = 1025, onMail = () => {}) {
  const mails = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = {
          from: session.envelope.mailFrom && session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: /^Subject: (.*)$/m.exec(raw)?.[1] ?? '',
          raw,
        };
        mails.push(mail);
        onMail(mail);
        callback();
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    mails,
    port: server.server.address().port,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

module.exports = { startSmtpSink };
