// `npm run stack`: builds, creates and migrates the databases, starts every service against
// the local PostgreSQL and RabbitMQ with interleaved readable logs, and stops them on Ctrl-C.
//   ./run stack --replicas 2 --gateways 2   two copies of every service and two gateways
//   (or STACK_REPLICAS=2 STACK_GATEWAYS=2 ./run stack); copy k listens on its port + 100 * (k - 1).
import { parseArgs } from 'node:util';
import sinkModule from './smtp-sink.cjs';
import stackLib from './stack-lib.cjs';

const { startSmtpSink } = sinkModule;
const { prepareDatabases, stackEnvironment, startService, stopAll, waitReady } = stackLib;

const COLOURS = { 'smtp-sink': 37, 'api-gateway': 36, 'user-service': 32, 'catalog-service': 31, 'order-service': 33, 'payment-service': 35, 'notification-service': 34 };

function printLine(name, line) {
  let text = line;
  try {
    const { timestamp, level, message, module, service: _service, ...meta } = JSON.parse(line);
    const extra = Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : '';
    text = `${(timestamp ?? '').slice(11, 23)} ${String(level).padEnd(5)} ${module ? `[${module}] ` : ''}${message}${extra}`;
  } catch {
    // not JSON: print as is
  }
  process.stdout.write(`\x1b[${COLOURS[name.replace(/#\d+$/, '')] ?? 37}m${name.padEnd(22)}\x1b[0m ${text}\n`);
}

// Mails the notification-service sends land here and are printed (SMTP_PORT moves it).
const sinkPort = Number(process.env.SMTP_PORT ?? 1025);
const sink = await startSmtpSink(sinkPort, (mail) => printLine('smtp-sink', JSON.stringify({ level: 'info', message: 'Mail received', to: mail.to, subject: mail.subject })));
const { values: args } = parseArgs({
  options: { replicas: { type: 'string', default: process.env.STACK_REPLICAS ?? '1' }, gateways: { type: 'string', default: process.env.STACK_GATEWAYS ?? '1' } },
});
const services = stackEnvironment({ replicas: Number(args.replicas), gateways: Number(args.gateways), env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port) } });
await prepareDatabases(services);
const children = services.map((service) => startService(service, printLine));
let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  console.log('\nstack: stopping every service');
  await stopAll(children);
  await sink.close();
  process.exit(code);
};
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
for (const child of children) child.on('exit', (code) => !stopping && void stop(code ?? 1));

try {
  await Promise.all(services.map((service) => waitReady(service)));
  const gateways = services.filter((service) => service.name === 'api-gateway').map((service) => `http://127.0.0.1:${service.port}`);
  console.log(`\nstack: ready. ${gateways.length > 1 ? `Gateways on ${gateways.join(', ')}` : `Gateway on ${gateways[0]}`} (docs: ${gateways[0]}/api/docs). Ctrl-C stops.\n`);
} catch (error) {
  console.error(`stack: ${error.message}`);
  await stop(1);
}
