// What InMemoryTaskStore adds to the SDK's TaskStore interface on its existing methods.
import test from 'node:test';
import assert from 'node:assert/strict';
import { InMemoryTaskStore } from 'mcp-task-store-wasm';
import { REQ } from './fixtures/util.mjs';

test('storeTaskResult with a statusMessage sets the result, the status and the message in one change', async () => {
  const store = new InMemoryTaskStore();
  const task = await store.createTask({}, 1, REQ, 's');
  await store.updateTaskStatus(task.taskId, 'working', 'step 1', 's');
  const events = [];
  const off = store.onStatusChange((e) => events.push(`${e.type}:${e.task.status}:${e.task.statusMessage}`));
  await store.storeTaskResult(task.taskId, 'failed', { content: [], isError: true }, 's', 'it broke');
  off();
  assert.deepEqual(events, ['result:failed:it broke']);
  assert.equal((await store.getTask(task.taskId, 's')).statusMessage, 'it broke');
  // Without one (or with ''), the message stays, as in the SDK's store.
  const other = await store.createTask({}, 2, REQ);
  await store.updateTaskStatus(other.taskId, 'working', 'kept');
  await store.storeTaskResult(other.taskId, 'completed', { content: [] }, undefined, '');
  assert.equal((await store.getTask(other.taskId)).statusMessage, 'kept');
  // A bad one is rejected and changes nothing.
  const third = await store.createTask({}, 3, REQ);
  await assert.rejects(store.storeTaskResult(third.taskId, 'completed', { content: [] }, undefined, 42),
    { name: 'TypeError', code: -32602, message: /statusMessage/ });
  assert.equal((await store.getTask(third.taskId)).status, 'working');
  store.cleanup();
});
