// snapshot() and InMemoryTaskStore.restore(): a restored store answers as the original would
// at the same instant; what a Rust process wrote is read here, and what is written here is the
// document a Rust process reads (core/tests/fixtures/snapshot-js-v1.json, checked by
// core/tests/snapshot.rs); damaged snapshots are rejected and create nothing.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { InMemoryTaskStore } from 'mcp-task-store-wasm';

const REQ = { method: 'tools/call' };
const FIXTURES = new URL('../../core/tests/fixtures/', import.meta.url);

function makeStore(t, options) {
  const store = new InMemoryTaskStore(options);
  t.after(() => store.free());
  return store;
}

async function sample(t) {
  const store = makeStore(t, { pageSize: 2 });
  const a = await store.createTask({ ttl: 60_000 }, 1, REQ, 'A');
  await store.storeTaskResult(a.taskId, 'completed', { content: [{ type: 'text', text: 'done' }], structuredContent: { n: 1 } }, 'A');
  const b = await store.createTask({ ttl: null }, 2, REQ);
  await store.updateTaskStatus(b.taskId, 'input_required', 'which?');
  const queue = store.messageQueue();
  const message = { type: 'request', message: { jsonrpc: '2.0', id: 7, method: 'elicitation/create', params: { message: 'which?' } }, timestamp: 1 };
  await queue.enqueue(b.taskId, message);
  await queue.enqueue(b.taskId, { ...message, timestamp: 2 });
  const c = await store.createTask({ ttl: 150 }, 3, REQ, 'B');
  const d = await store.createTask({ ttl: 60_000 }, 4, REQ, 'A');
  return { store, ids: [a.taskId, b.taskId, c.taskId, d.taskId] };
}

test('snapshot/restore: every task, result, owner, status and queued message comes back; a restore is a new store', async (t) => {
  const { store, ids } = await sample(t);
  const text = store.snapshot();
  const doc = JSON.parse(text);
  assert.equal(doc.format, 'mcp-task-store-snapshot');
  assert.equal(doc.version, 1);
  assert.equal(doc.tasks.length, 4);
  const restored = InMemoryTaskStore.restore(text, { pageSize: 2 });
  t.after(() => restored.free());
  for (const [id, session] of [[ids[0], 'A'], [ids[1], undefined], [ids[2], 'B'], [ids[3], 'A']]) {
    assert.deepEqual(await restored.getTask(id, session), await store.getTask(id, session));
  }
  assert.equal(await restored.getTask(ids[0], 'B'), null, 'owners kept');
  assert.deepEqual(await restored.getTaskResult(ids[0], 'A'), await store.getTaskResult(ids[0], 'A'));
  assert.deepEqual(await restored.messageQueue().dequeueAll(ids[1]), await store.messageQueue().dequeueAll(ids[1]));
  assert.equal(restored.stats().pendingTimers, 1, 'the timer is re-armed');
  // Independent stores from now on.
  await restored.updateTaskStatus(ids[3], 'cancelled', undefined, 'A');
  assert.equal((await store.getTask(ids[3], 'A')).status, 'working');
});

test('snapshot/restore: cursors handed out before stay valid after; tasks expired meanwhile are gone', async (t) => {
  const { store, ids } = await sample(t);
  const page = await store.listTasks(undefined, 'A');
  assert.ok(page.nextCursor);
  const text = store.snapshot();
  const restored = InMemoryTaskStore.restore(text, { pageSize: 2 });
  t.after(() => restored.free());
  assert.deepEqual(await restored.listTasks(page.nextCursor, 'A'), await store.listTasks(page.nextCursor, 'A'));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const later = InMemoryTaskStore.restore(text);
  t.after(() => later.free());
  assert.equal(await later.getTask(ids[2]), null, 'the 150 ms task expired while "down"');
  assert.equal(later.size, 3);
});

test('snapshot/restore: a restored store answers every call as the original would (random histories)', async (t) => {
  // The clock stands still, so both stores see every call at the same instant.
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  let seed = 7;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const sessions = [undefined, 'A', 'B'];
  const ops = async (store, known, r) => {
    const session = sessions[r(3)];
    const id = known.length > 0 && r(5) > 0 ? known[r(known.length)] : '00000000-0000-4000-8000-000000000000';
    const outcome = async (p) => {
      try {
        return JSON.stringify(await p);
      } catch (e) {
        return `error ${e.code} ${e.message}`;
      }
    };
    switch (r(7)) {
      case 0:
        return outcome(store.getTask(id, session));
      case 1:
        return outcome(store.updateTaskStatus(id, ['working', 'input_required', 'cancelled'][r(3)], r(2) ? 'm' : undefined, session));
      case 2:
        return outcome(store.storeTaskResult(id, 'completed', { content: [{ type: 'text', text: String(r(100)) }] }, session));
      case 3:
        return outcome(store.getTaskResult(id, session));
      case 4:
        return outcome(store.listTasks(undefined, session).then((p) => p.tasks.map((x) => x.taskId)));
      case 5:
        return outcome(store.messageQueue().dequeue(id, session));
      default:
        return outcome(store.deleteTask(id, session));
    }
  };
  for (let round = 0; round < 30; round++) {
    const store = makeStore(t, { pageSize: 3 });
    const known = [];
    const n = 1 + rand(12);
    for (let i = 0; i < n; i++) {
      const task = await store.createTask({ ttl: rand(2) ? null : 60_000 }, i, REQ, sessions[rand(3)]);
      known.push(task.taskId);
      if (rand(2)) await store.updateTaskStatus(task.taskId, 'input_required', 'q');
      if (rand(3) === 0) await store.storeTaskResult(task.taskId, 'failed', { content: [], isError: true });
      if (rand(3) === 0) await store.messageQueue().enqueue(task.taskId, { type: 'notification', message: { jsonrpc: '2.0', method: 'm' }, timestamp: i });
    }
    const restored = InMemoryTaskStore.restore(store.snapshot(), { pageSize: 3 });
    t.after(() => restored.free());
    const saved = seed;
    for (let op = 0; op < 40; op++) {
      const before = seed;
      const a = await ops(store, known, rand);
      const after = seed;
      seed = before;
      const b = await ops(restored, known, rand);
      assert.equal(seed, after);
      assert.equal(b, a, `round ${round} (seed ${saved}), op ${op}`);
    }
  }
});

test('snapshot/restore: a snapshot written by the Rust core is read here', async () => {
  const text = await readFile(new URL('snapshot-v1.json', FIXTURES), 'utf8');
  // Restored "now", long after the fixture's instant: only the unlimited task is still live.
  const store = InMemoryTaskStore.restore(text);
  const live = store.getAllTasks();
  assert.deepEqual(live.map((x) => [x.taskId, x.status, x.statusMessage]), [['abcd0000-0000-4000-8000-000000000002', 'input_required', 'which?']]);
  assert.equal((await store.messageQueue().dequeueAll(live[0].taskId)).length, 2);
  store.free();
});

test('snapshot/restore: what is written here is the committed document the Rust core reads (same shape)', async (t) => {
  const written = JSON.parse((await sample(t)).store.snapshot());
  const fixture = JSON.parse(await readFile(new URL('snapshot-js-v1.json', FIXTURES), 'utf8'));
  const shape = (value) => {
    if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
    if (value === null || typeof value !== 'object') return value === null ? 'null' : typeof value;
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape(value[k])]));
  };
  assert.deepEqual(shape(written.tasks.map((x) => x.record)), shape(fixture.tasks.map((x) => x.record)));
  assert.deepEqual(Object.keys(written).sort(), Object.keys(fixture).sort());
  assert.deepEqual(shape(written.config), shape(fixture.config));
});

test('snapshot/restore: a document written by an earlier version restores (its instants moved to now), and the text is compact JSON in its key order', async (t) => {
  // snapshot-js-v1.json was written by the package when snapshots went through serde; the text
  // is now written and read without it, in the same shape.
  const fixture = JSON.parse(await readFile(new URL('snapshot-js-v1.json', FIXTURES), 'utf8'));
  const shift = Date.now() - fixture.takenAt;
  fixture.takenAt += shift;
  for (const { record } of fixture.tasks) {
    record.task.createdAt += shift;
    record.task.lastUpdatedAt += shift;
    if (record.deadline !== null) record.deadline += shift;
  }
  const restored = InMemoryTaskStore.restore(JSON.stringify(fixture));
  t.after(() => restored.free());
  const [first, second] = fixture.tasks.map((x) => x.record.task.taskId);
  assert.equal((await restored.getTask(first, 'A')).status, 'completed');
  assert.deepEqual(await restored.getTaskResult(first, 'A'), fixture.tasks[0].result);
  assert.deepEqual(await restored.messageQueue().dequeueAll(second), fixture.tasks[1].queue);
  const text = restored.snapshot();
  assert.equal(text, JSON.stringify(JSON.parse(text)));
  const written = JSON.parse(text);
  assert.deepEqual(Object.keys(written), Object.keys(fixture));
  assert.deepEqual(Object.keys(written.config), Object.keys(fixture.config));
  assert.deepEqual(Object.keys(written.tasks[0].record), Object.keys(fixture.tasks[0].record));
  assert.deepEqual(Object.keys(written.tasks[0].record.task), Object.keys(fixture.tasks[0].record.task));
  assert.deepEqual(written.tasks[0].record, fixture.tasks[0].record);
  assert.equal(written.cursorKey, fixture.cursorKey);
});

test('snapshot/restore: damaged, truncated or future snapshots throw -32602 naming what and where, and create nothing', async (t) => {
  const { store } = await sample(t);
  const text = store.snapshot();
  const doc = () => JSON.parse(text);
  const cases = [
    ['not a string', 42, TypeError, 'Invalid snapshot'],
    ['truncated', text.slice(0, text.length / 2), RangeError, 'Invalid snapshot: a document (not a snapshot'],
    ['empty', '', RangeError, 'Invalid snapshot'],
    ['future version', JSON.stringify({ ...doc(), version: 2 }), RangeError, 'Invalid snapshot.version: 2'],
    ['another format', JSON.stringify({ ...doc(), format: 'x' }), RangeError, 'Invalid snapshot.format'],
    ['a status that is not a status', text.replace('"input_required"', '"waiting"'), RangeError, 'Invalid snapshot: a document (not a snapshot'],
    ['a field of the wrong type', text.replace('"seq":0', '"seq":"0"'), RangeError, 'Invalid snapshot: a document (not a snapshot'],
    ['an id twice', (() => {
      const d = doc();
      d.tasks[1].record.task.taskId = d.tasks[0].record.task.taskId;
      return JSON.stringify(d);
    })(), RangeError, 'Invalid snapshot.tasks[1].record.task.taskId'],
    ['a result without its flag', (() => {
      const d = doc();
      d.tasks[1].result = { content: [] };
      return JSON.stringify(d);
    })(), RangeError, 'Invalid snapshot.tasks[1].result'],
  ];
  for (const [name, input, cls, start] of cases) {
    assert.throws(() => InMemoryTaskStore.restore(input), (e) => {
      assert.ok(e instanceof cls, `${name}: ${e.name} ${e.message}`);
      assert.equal(e.code, -32602, name);
      assert.ok(e.message.startsWith(start), `${name}: ${e.message}`);
      return true;
    });
  }
});

test('snapshot/restore: a restored result gets the stored-value check (depth, JSON) and timestamps stay in range; the store is never left stuck', async (t) => {
  const { store, ids } = await sample(t);
  const doc = JSON.parse(store.snapshot());
  const deep = JSON.stringify(doc).replace('"structuredContent":{"n":1}', `"structuredContent":${'{"a":'.repeat(100)}1${'}'.repeat(100)}`);
  assert.throws(() => InMemoryTaskStore.restore(deep), (e) => e.code === -32602 && e.message.startsWith('Invalid snapshot.tasks[0].result'));
  for (const [field, value] of [['lastUpdatedAt', 8.7e15], ['createdAt', 8.7e15]]) {
    const bad = JSON.parse(JSON.stringify(doc));
    bad.tasks[3].record.task[field] = value;
    assert.throws(() => InMemoryTaskStore.restore(JSON.stringify(bad)), (e) => e.code === -32602 && e.message.startsWith('Invalid snapshot.tasks[3].record'), field);
  }
  const far = JSON.parse(JSON.stringify(doc));
  far.nextSeq = 2 ** 60;
  assert.throws(() => InMemoryTaskStore.restore(JSON.stringify(far)), (e) => e.code === -32602);
  const ok = InMemoryTaskStore.restore(JSON.stringify(doc));
  assert.equal((await ok.getTask(ids[0], 'A')).status, 'completed');
  ok.free();
});
