// Removes what an interrupted test run can leave behind: test_* databases and test.* queues and
// exchanges. A completed run removes its own; this is for runs killed half-way.
//   node scripts/clean-test-leftovers.mjs
import { execFileSync } from 'node:child_process';
import amqp from 'amqplib';
import pg from 'pg';

const postgres = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' });
await postgres.connect();
const { rows } = await postgres.query(`SELECT datname FROM pg_database WHERE datname LIKE 'test\\_%'`);
for (const { datname } of rows) await postgres.query(`DROP DATABASE "${datname.replaceAll('"', '""')}" WITH (FORCE)`);
await postgres.end();

const list = (what) =>
  execFileSync('rabbitmqctl', ['-q', `list_${what}`, 'name'], { encoding: 'utf8' })
    .split('\n')
    .filter((name) => name.startsWith('test.'));
const connection = await amqp.connect(process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
const channel = await connection.createChannel();
const queues = list('queues');
const exchanges = list('exchanges');
for (const queue of queues) await channel.deleteQueue(queue);
for (const exchange of exchanges) await channel.deleteExchange(exchange);
await connection.close();
console.log(`removed ${rows.length} databases, ${queues.length} queues, ${exchanges.length} exchanges`);
