// The benchmark's mail sink, in its own process so that the mails the notification-service sends
// under load cost the load generator's event loop nothing. It counts mails and keeps none.
//   forked by bench/lib/smtp-sink.mjs; IPC: -> { type: 'ready', port }, <- { type: 'count' } -> { type: 'count', count }
'use strict';
const { startSmtpSink } = require('../../scripts/smtp-sink.cjs');

let count = 0;
startSmtpSink(0, () => {
  count += 1;
}).then(
  (sink) => {
    // The sink keeps every mail it receives; the benchmark only needs the count.
    const forget = setInterval(() => sink.mails.splice(0), 1000);
    forget.unref();
    process.on('message', (message) => {
      if (message?.type === 'count') process.send({ type: 'count', count });
      if (message?.type === 'close') void sink.close().finally(() => process.exit(0));
    });
    // The parent died or let go: nothing else would stop us.
    process.on('disconnect', () => process.exit(0));
    process.send({ type: 'ready', port: sink.port });
  },
  (error) => {
    process.stderr.write(`smtp sink: ${error.message}\n`);
    process.exit(1);
  },
);
