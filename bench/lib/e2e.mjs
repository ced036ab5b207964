// End to end: `tasks/get` and `tasks/result` round trips through a real McpServer and Client
// (@modelcontextprotocol/sdk, InMemoryTransport), with our store and with the SDK's, the two
// alternating repetition by repetition. Tells what the micro ratios mean for a server: the
// store is a small share of a round trip.
// Prints JSON: { tasks, calls, reps, ours: { get, result }, sdk: { get, result } } (calls/s, medians).
//
//   node bench/lib/e2e.mjs <tasks> <calls> <reps>
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { loadStore } from './stores.mjs';

const [tasks, calls, reps] = process.argv.slice(2).map(Number);
const CAPABILITIES = { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } };
const RESULT = { content: [{ type: 'text', text: 'x'.repeat(1000) }] };

async function connected(name) {
  const taskStore = (await loadStore(name)).create();
  const server = new McpServer({ name: 'bench', version: '1.0.0' }, { capabilities: CAPABILITIES, taskStore });
  const client = new Client({ name: 'bench-client', version: '1.0.0' });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  const ids = [];
  for (let i = 0; i < tasks; i++) {
    const task = await taskStore.createTask({ ttl: 3_600_000 }, i, { method: 'tools/call', params: {} });
    await taskStore.storeTaskResult(task.taskId, 'completed', RESULT);
    ids.push(task.taskId);
  }
  return { client, server, taskStore, ids };
}

async function rate(fn) {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await fn(i);
  return calls / ((performance.now() - t0) / 1000);
}

const median = (list) => [...list].sort((a, b) => a - b)[list.length >> 1];
const setups = { ours: await connected('ours'), sdk: await connected('sdk') };
const runs = { ours: { get: [], result: [] }, sdk: { get: [], result: [] } };
for (let r = 0; r < reps; r++) {
  for (const name of r % 2 === 0 ? ['ours', 'sdk'] : ['sdk', 'ours']) {
    const { client, ids } = setups[name];
    const id = (i) => ids[(i * 7919) % ids.length];
    runs[name].get.push(await rate((i) => client.experimental.tasks.getTask(id(i))));
    runs[name].result.push(await rate((i) => client.experimental.tasks.getTaskResult(id(i), CallToolResultSchema)));
  }
}
const out = { tasks, calls, reps };
for (const name of ['ours', 'sdk']) {
  out[name] = { get: median(runs[name].get), result: median(runs[name].result) };
  await setups[name].client.close();
  await setups[name].server.close();
  if (typeof setups[name].taskStore.cleanup === 'function') setups[name].taskStore.cleanup();
}
console.log(JSON.stringify(out));
