// CommonJS users: require() works, and gives the very same module instance as ESM import.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');

const REQ = { method: 'tools/call' };

test('require("mcp-task-store-wasm") loads synchronously and the classes work', async () => {
  const pkg = require('mcp-task-store-wasm');
  assert.equal(typeof pkg.InMemoryTaskStore, 'function');
  assert.equal(typeof pkg.InMemoryTaskMessageQueue, 'function');
  const store = new pkg.InMemoryTaskStore({ pageSize: 5 });
  const task = await store.createTask({ ttl: 60_000 }, 1, REQ, 'S');
  assert.equal((await store.getTask(task.taskId, 'S')).status, 'working');
  await store.storeTaskResult(task.taskId, 'completed', { content: [] }, 'S');
  assert.deepEqual(await store.getTaskResult(task.taskId), { content: [] });
  const err = await store.listTasks('garbage').catch((e) => e);
  assert.ok(err instanceof Error);
  assert.equal(err.code, -32602);
  const queue = new pkg.InMemoryTaskMessageQueue();
  await queue.enqueue('t', { type: 'notification', message: { jsonrpc: '2.0', method: 'x' }, timestamp: 1 });
  assert.equal(queue.queueCount, 1);
  store.cleanup();
});

test('require() resolves to index.cjs through the package exports', () => {
  const resolved = require.resolve('mcp-task-store-wasm');
  assert.match(resolved, /index\.cjs$/);
  assert.equal(require('mcp-task-store-wasm'), require(resolved));
});

test('ESM import and CJS require give the very same classes (one module instance, no dual-package hazard)', async () => {
  const cjs = require('mcp-task-store-wasm');
  const esm = await import('mcp-task-store-wasm');
  assert.equal(esm.InMemoryTaskStore, cjs.InMemoryTaskStore);
  assert.equal(esm.InMemoryTaskMessageQueue, cjs.InMemoryTaskMessageQueue);
  // An object made through one entry point is an instance of the other's class.
  const fromEsm = new esm.InMemoryTaskStore();
  assert.ok(fromEsm instanceof cjs.InMemoryTaskStore);
  assert.ok(fromEsm.messageQueue() instanceof cjs.InMemoryTaskMessageQueue);
  fromEsm.cleanup();
});
