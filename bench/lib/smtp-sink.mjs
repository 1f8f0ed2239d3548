// The mail sink the notification-service sends to, in its own process (smtp-sink-child.cjs) so
// that mails under load cost the load generator's event loop nothing.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Forks the sink and waits for its port. The run owns it from the fork on (run.owned.sink), so
 * the clean-up stops it even when it never started. Returns { pid, port, count(), stop() }.
 */
export async function startSink(run) {
  const child = fork(path.join(here, 'smtp-sink-child.cjs'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const sink = {
    pid: child.pid,
    port: undefined,
    /** Mails received so far, or null when the sink does not answer within 2 s. */
    count: () =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), 2000);
        child.once('message', (message) => {
          clearTimeout(timer);
          resolve(message.count);
        });
        child.send({ type: 'count' });
      }),
    /** Asks the sink to close, SIGKILL after 5 s. */
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  run.owned.sink = sink;
  sink.port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('smtp sink did not start within 10 s')), 10_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message.port);
    });
    child.once('exit', (code) => reject(new Error(`smtp sink exited (${code})`)));
  });
  return sink;
}
