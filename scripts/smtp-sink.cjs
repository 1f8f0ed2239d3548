// The local stack's mail sink (and the end-to-end tests' mailbox): the platform's SmtpSink
// (platform/src/testing/smtp-sink.ts, built by `tsc -b`), behind the small interface the
// plain-JavaScript scripts use.
'use strict';
const path = require('node:path');
const { SmtpSink } = require(path.join(__dirname, '../platform/dist/testing/smtp-sink.js'));

/** Starts the sink on port (0 = any free port); onMail is called with each mail received. */
async function startSmtpSink(port = 1025, onMail = () => {}) {
  const sink = new SmtpSink({ port, onMail });
  await sink.start();
  return { mails: sink.mails, port: sink.port, close: () => sink.stop() };
}

module.exports = { startSmtpSink };
