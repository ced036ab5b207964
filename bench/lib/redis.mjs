// RedisTaskStore beside the in-memory store, on one redis-server on loopback (started here,
// no persistence, stopped at the end): calls per second and Redis round trips per call, for
// each client library. Every call is awaited in turn, so a rate is one call's latency.
// Prints JSON: { n, server, rows: [{ op, memory, 'node-redis', ioredis, roundTrips }] }.
//
//   node bench/lib/redis.mjs <N>
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { ourSpecifier } from './stores.mjs';

const n = Number(process.argv[2]);
const ourEntry = ourSpecifier();
const { InMemoryTaskStore } = await import(ourEntry);
const redisEntry = ourEntry.startsWith('file:')
  ? pathToFileURL(join(dirname(fileURLToPath(ourEntry)), 'redis.mjs')).href
  : 'mcp-task-store-wasm/redis';
const { RedisTaskStore } = await import(redisEntry);

const REQUEST = { method: 'tools/call', params: { name: 'bench', arguments: {} } };
const RESULT = { content: [{ type: 'text', text: 'x'.repeat(1000) }] };
const SESSIONS = ['s0', 's1', 's2', 's3'];

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return { port, child };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('redis-server did not start');
}

async function connect(kind, port) {
  if (kind === 'node-redis') {
    const { createClient } = await import('redis');
    const client = await createClient({ socket: { host: '127.0.0.1', port } }).connect();
    return { client, close: () => client.close() };
  }
  const { default: Redis } = await import('ioredis');
  const client = new Redis(port, '127.0.0.1');
  return { client, close: () => client.quit() };
}

/** Runs the workload on `store`: per operation, calls per second and round trips per call. */
async function workload(store) {
  const trips = () => (typeof store.stats === 'function' && 'roundTrips' in store.stats() ? store.stats().roundTrips : 0);
  const out = {};
  const measure = async (op, count, fn) => {
    const before = trips();
    const t0 = performance.now();
    for (let i = 0; i < count; i++) await fn(i);
    const seconds = (performance.now() - t0) / 1000;
    out[op] = { perSecond: count / seconds, roundTrips: (trips() - before) / count };
  };
  const ids = [];
  await measure('createTask', n, async (i) => {
    const task = await store.createTask({ ttl: 3_600_000 }, i, REQUEST, SESSIONS[i % 4]);
    ids.push(task.taskId);
  });
  await measure('getTask', n, (i) => store.getTask(ids[i], SESSIONS[i % 4]));
  await measure('updateTaskStatus', n, (i) => store.updateTaskStatus(ids[i], 'working', `step ${i}`, SESSIONS[i % 4]));
  await measure('storeTaskResult', n, (i) => store.storeTaskResult(ids[i], 'completed', RESULT, SESSIONS[i % 4]));
  await measure('getTaskResult', n, (i) => store.getTaskResult(ids[i], SESSIONS[i % 4]));
  const pages = [];
  await measure('listTasks', 1, async () => {
    let page = await store.listTasks(undefined, 's0');
    pages.push(page);
    while (page.nextCursor) {
      page = await store.listTasks(page.nextCursor, 's0');
      pages.push(page);
    }
  });
  out.listTasks.perSecond *= pages.length;
  out.listTasks.roundTrips /= pages.length;
  return out;
}

const { port, child } = await startRedis();
const results = {};
try {
  const memory = new InMemoryTaskStore({ maxTasksPerSession: Infinity });
  results.memory = await workload(memory);
  memory.cleanup();
  for (const kind of ['node-redis', 'ioredis']) {
    const { client, close } = await connect(kind, port);
    const store = new RedisTaskStore({ client, keyPrefix: `bench:${kind}:`, maxTasksPerSession: Infinity });
    results[kind] = await workload(store);
    await store.cleanup();
    await store.close();
    await close();
  }
} finally {
  child.kill();
}
const server = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
const rows = Object.keys(results.memory).map((op) => ({
  op,
  memory: results.memory[op].perSecond,
  'node-redis': results['node-redis'][op].perSecond,
  ioredis: results.ioredis[op].perSecond,
  roundTrips: results['node-redis'][op].roundTrips,
}));
console.log(JSON.stringify({ n, server, rows }));
