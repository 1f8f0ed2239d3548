// The clean-up every run ends with, whatever happened (success, failure, Ctrl-C, SIGTERM, the
// time limit): nginx, the services, the smtp sink, the pools, the databases, the exchange and its
// queues, each step on its own so that one failure does not keep the others from running; then
// what is left is checked rather than assumed.
import { createRequire } from 'node:module';
import { existingQueues, queuesOf } from './broker.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const stack = require('../../scripts/stack-lib.cjs');

/** Removes everything the run owns (once; later calls get the same promise) and says what it did. */
export function cleanUp(run) {
  run.cleaning ??= removeEverything(run);
  return run.cleaning;
}

async function removeEverything(run) {
  // Required here, not at load: the checkout is checked for the build before anything runs.
  const { deleteTopology } = require('../../platform/dist/testing/index.js');
  const { dropDatabase } = require('../../platform/dist/data/index.js');
  const { owned, exchange } = run;
  const done = { services: 0, databases: [], queues: [], exchange: null, leftovers: {} };
  const step = async (what, fn) => {
    try {
      await fn();
    } catch (error) {
      (done.errors ??= []).push(`${what}: ${error.message}`);
    }
  };
  clearInterval(owned.peakSampler);
  await step('amqp consumer', async () => owned.amqp?.close());
  await step('nginx', async () => owned.nginx?.stop());
  if (owned.nginx) done.nginx = 'stopped';
  await step('services', async () => {
    await stack.stopAll(owned.children.map((c) => c.child), 15_000);
    done.services = owned.children.length;
  });
  await step('smtp sink', async () => owned.sink?.stop());
  for (const pool of owned.pools) await step('pg pool', () => pool.end());
  await step('databases', async () => {
    for (const service of owned.services.filter((s) => s.env.DATABASE_URL)) {
      await dropDatabase(service.env.DATABASE_URL);
      done.databases.push(new URL(service.env.DATABASE_URL).pathname.slice(1));
    }
    if (owned.scratchUrl) {
      await dropDatabase(owned.scratchUrl);
      done.databases.push(new URL(owned.scratchUrl).pathname.slice(1));
    }
  });
  // Case 5's Redis-counting gateway left rate-limit keys under the run's prefix (they would expire within the window anyway).
  await step('redis keys', async () => {
    if (!owned.redisKeyPrefix) return;
    const { createClient } = require('redis');
    const client = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
    await client.connect();
    try {
      const keys = [];
      for await (const batch of client.scanIterator({ MATCH: `${owned.redisKeyPrefix}*`, COUNT: 1000 })) keys.push(...batch);
      if (keys.length) await client.del(keys);
      done.redisKeys = keys.length;
    } finally {
      await client.quit();
    }
  });
  await step('broker topology', async () => {
    const queues = queuesOf(exchange);
    await deleteTopology(run.rabbitmqUrl, { exchanges: [exchange], queues });
    done.queues = queues;
    done.exchange = exchange;
  });
  await step('leftover check', async () => {
    const client = new pg.Client({ connectionString: run.postgresUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${run.databasePrefix.replaceAll('_', '\\_')}%`]);
      done.leftovers.databases = rows.map((r) => r.datname);
    } finally {
      await client.end();
    }
    done.leftovers.queues = await existingQueues(run.rabbitmqUrl, done.queues);
    done.leftovers.processes = owned.children.filter(({ child }) => child.exitCode === null && child.signalCode === null).map((c) => c.name);
  });
  return done;
}
