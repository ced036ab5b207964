// ExtensionTaskStore: the four-method store seam of the SDK's draft Tasks extension
// (`create(params)`, `get(taskId, access?)`, `update(taskId, inputResponses, access?)`,
// `cancel(taskId, access?)`, with `access = { principal? }`) plus `handle(taskId)`, over this
// package's InMemoryTaskStore. What it hands out is checked against the ext-tasks 0.2.2 v2
// schemas; the rules (transitions, ttl, visibility, argument checks) are shown to be the store's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExtensionTaskStore, TasksExtension, InMemoryTaskStore } from 'mcp-task-store-wasm/tasks-extension';
import { DetailedTaskV2Schema, TaskV2Schema, CallToolResultV2Schema } from '@modelcontextprotocol/ext-tasks/core/v2';
import { EXTENSION_ID } from './fixtures/tasks-extension/harness.mjs';

const ELICIT = { method: 'elicitation/create', params: { message: 'ok?', requestedSchema: { type: 'object', properties: {} } } };
const text = (t) => ({ content: [{ type: 'text', text: t }] });

function fresh(options) {
  const store = new InMemoryTaskStore(options);
  const seam = new ExtensionTaskStore(store);
  return {
    store,
    seam,
    done: () => {
      seam.close();
      store.cleanup();
      store.free();
    },
  };
}

function assertValid(schema, value, what) {
  const parsed = schema.safeParse(value);
  assert.ok(parsed.success, `${what}: ${JSON.stringify(parsed.error?.issues)}\n${JSON.stringify(value)}`);
}

/** The DetailedTask `get` gives, checked against the extension's schema. */
async function detailed(seam, taskId, access) {
  const task = await seam.get(taskId, access);
  assert.ok(task !== undefined, `${taskId} not found`);
  assertValid(DetailedTaskV2Schema, task, `get (${task.status})`);
  assert.ok(!('resultType' in task), 'the seam gives the DetailedTask; the wire adds resultType');
  return task;
}

test('seam create: the Task with ttlMs / pollIntervalMs (schema-valid), working, and durable: get finds it as soon as create resolves', async () => {
  const { seam, done } = fresh({ defaultPollInterval: 500 });
  try {
    const task = await seam.create({ ttlMs: 60_000, pollIntervalMs: 250 });
    assertValid(TaskV2Schema, task, 'create');
    assert.equal(task.status, 'working');
    assert.equal(task.ttlMs, 60_000);
    assert.equal(task.pollIntervalMs, 250);
    assert.ok(!('ttl' in task) && !('pollInterval' in task));
    assert.equal((await detailed(seam, task.taskId)).taskId, task.taskId);
    const unlimited = await seam.create({ ttlMs: null, context: { tool: 'report', args: { n: 1 } } });
    assert.equal(unlimited.ttlMs, null);
    assert.equal(unlimited.pollIntervalMs, 500); // the store's default
  } finally {
    done();
  }
});

test('seam get: every status as its DetailedTask variant (working, input_required with the outstanding requests only, completed with the result, failed with the error, cancelled), each schema-valid', async () => {
  const { seam, done } = fresh();
  try {
    const a = await seam.create({ ttlMs: 60_000 });
    const work = seam.handle(a.taskId);
    await work.status('step 1');
    const working = await detailed(seam, a.taskId);
    assert.equal(working.status, 'working');
    assert.equal(working.statusMessage, 'step 1');

    const answers = work.requireInput({ one: ELICIT, two: { method: 'roots/list' } });
    await sleep(0);
    const waiting = await detailed(seam, a.taskId);
    assert.equal(waiting.status, 'input_required');
    assert.deepEqual(waiting.inputRequests, { one: ELICIT, two: { method: 'roots/list' } });
    assert.equal(await seam.update(a.taskId, { one: { action: 'accept', content: {} } }), true);
    assert.deepEqual(Object.keys((await detailed(seam, a.taskId)).inputRequests), ['two']);
    assert.equal(await seam.update(a.taskId, { two: { roots: [] } }), true);
    assert.deepEqual(await answers, { one: { action: 'accept', content: {} }, two: { roots: [] } });
    assert.equal((await detailed(seam, a.taskId)).status, 'working');

    await work.complete({ ...text('done'), isError: true });
    const completed = await detailed(seam, a.taskId);
    assert.equal(completed.status, 'completed');
    assertValid(CallToolResultV2Schema, completed.result, 'the result');
    assert.deepEqual(completed.result, { resultType: 'complete', ...text('done'), isError: true });

    const b = await seam.create({ ttlMs: 60_000 });
    await seam.handle(b.taskId).fail({ code: -32603, message: 'boom', data: { at: 1 } });
    const failed = await detailed(seam, b.taskId);
    assert.deepEqual(failed.error, { code: -32603, message: 'boom', data: { at: 1 } });
    assert.equal(failed.statusMessage, 'boom');
    const b2 = await seam.create({ ttlMs: 60_000 });
    await seam.handle(b2.taskId).fail({ code: -32000, message: 'upstream 503' }, 'the report service is down; retry later');
    assert.equal((await detailed(seam, b2.taskId)).statusMessage, 'the report service is down; retry later');
    await assert.rejects(seam.handle(b2.taskId).fail({ code: 1, message: 'x' }, 5), { name: 'TypeError', code: -32602, message: /^Invalid statusMessage: 5/ });

    const c = await seam.create({ ttlMs: 60_000 });
    assert.equal(await seam.cancel(c.taskId), true);
    const cancelled = await detailed(seam, c.taskId);
    assert.equal(cancelled.status, 'cancelled');
    assert.deepEqual(Object.keys(cancelled).sort(), ['createdAt', 'lastUpdatedAt', 'pollIntervalMs', 'status', 'taskId', 'ttlMs']);
  } finally {
    done();
  }
});

test('seam principal binding: a principal\'s task is undefined / false for another principal and for an access without one (fail closed); a task made without a principal is seen by every access', async () => {
  const { seam, done } = fresh();
  try {
    const mine = await seam.create({ ttlMs: 60_000, principal: 'alice' });
    const work = seam.handle(mine.taskId);
    work.requireInput({ q: ELICIT }).catch(() => {});
    await sleep(0);
    for (const access of [{ principal: 'bob' }, {}, undefined, { principal: undefined }]) {
      assert.equal(await seam.get(mine.taskId, access), undefined, JSON.stringify(access));
      assert.equal(await seam.update(mine.taskId, { q: { action: 'decline' } }, access), false);
      assert.equal(await seam.cancel(mine.taskId, access), false);
    }
    const still = await detailed(seam, mine.taskId, { principal: 'alice' });
    assert.equal(still.status, 'input_required'); // nothing the others sent reached it
    assert.deepEqual(Object.keys(still.inputRequests), ['q']);

    const open = await seam.create({ ttlMs: 60_000 });
    for (const access of [{ principal: 'alice' }, { principal: 'bob' }, undefined]) {
      assert.equal((await seam.get(open.taskId, access))?.taskId, open.taskId);
    }
    assert.equal(await seam.cancel(open.taskId, { principal: 'bob' }), true);
  } finally {
    done();
  }
});

test('seam update: unknown and answered keys ignored, partial answers keep input_required, keys never reused; false for an unknown task; a bad inputResponses or answer is a TypeError (-32602) and takes nothing', async () => {
  const { seam, done } = fresh();
  try {
    const task = await seam.create({ ttlMs: 60_000 });
    const work = seam.handle(task.taskId);
    const answers = work.requireInput({ a: ELICIT, b: ELICIT });
    await sleep(0);
    assert.equal(await seam.update(task.taskId, { zzz: { action: 'accept' } }), true);
    await assert.rejects(seam.update(task.taskId, 'a'), { name: 'TypeError', code: -32602, message: /^Invalid inputResponses: "a"/ });
    await assert.rejects(seam.update(task.taskId, undefined), { name: 'TypeError', code: -32602, message: /^Invalid inputResponses: undefined/ });
    await assert.rejects(seam.update(task.taskId, { a: { action: 'accept' }, b: 7 }), { name: 'TypeError', code: -32602, message: /^Invalid inputResponses\["b"\]: 7/ });
    assert.deepEqual(Object.keys((await detailed(seam, task.taskId)).inputRequests), ['a', 'b']); // nothing taken
    await seam.update(task.taskId, { a: { action: 'accept' } });
    await seam.update(task.taskId, { a: { action: 'decline' } }); // answered: ignored
    assert.equal((await detailed(seam, task.taskId)).status, 'input_required');
    await seam.update(task.taskId, { b: { action: 'cancel' } });
    assert.deepEqual(await answers, { a: { action: 'accept' }, b: { action: 'cancel' } });
    await assert.rejects(work.requireInput({ a: ELICIT }), { name: 'RangeError', code: -32602 });
    assert.equal(await seam.update('no-such-task', {}), false);
  } finally {
    done();
  }
});

test('seam cancel: cooperative (the handle\'s signal aborts, a waiting requireInput rejects, a late result is refused by the store), true again on a terminal task which stays as it was, false when unknown', async () => {
  const { seam, done } = fresh();
  try {
    const task = await seam.create({ ttlMs: 60_000 });
    const work = seam.handle(task.taskId);
    const waiting = work.requireInput({ q: ELICIT });
    await sleep(0);
    assert.equal(await seam.cancel(task.taskId), true);
    await assert.rejects(waiting, { code: -32602, message: /cancelled/ });
    assert.equal(work.signal.aborted, true);
    await assert.rejects(work.complete(text('late')), { code: -32602 });
    assert.equal(await seam.cancel(task.taskId), true);
    assert.equal((await detailed(seam, task.taskId)).status, 'cancelled');

    const finished = await seam.create({ ttlMs: 60_000 });
    await seam.handle(finished.taskId).complete(text('ok'));
    assert.equal(await seam.cancel(finished.taskId), true);
    assert.equal((await detailed(seam, finished.taskId)).status, 'completed');
    assert.equal(await seam.cancel('no-such-task'), false);
  } finally {
    done();
  }
});

test('seam handle: one handle per running task; dropped once the task ends; an unknown id gives an aborted signal and calls that reject with -32602; a non-string id is a TypeError', async () => {
  const { seam, done } = fresh();
  try {
    const task = await seam.create({ ttlMs: 60_000 });
    const work = seam.handle(task.taskId);
    assert.equal(seam.handle(task.taskId), work);
    assert.deepEqual(seam.stats(), { inputStates: 0, handles: 1 });
    assert.deepEqual(await work.result(), { resultType: 'task', ...(await seam.get(task.taskId)) });
    await work.complete(text('done'));
    await sleep(0);
    assert.deepEqual(seam.stats(), { inputStates: 0, handles: 0 });

    const ghost = seam.handle('no-such-task');
    await sleep(0);
    assert.equal(ghost.signal.aborted, true);
    assert.equal(ghost.signal.reason.code, -32602);
    await assert.rejects(ghost.status('x'), { code: -32602 });
    await assert.rejects(ghost.complete(text('x')), { code: -32602 });
    await assert.rejects(ghost.result(), { code: -32602 });
    assert.equal(seam.stats().handles, 0);
    assert.throws(() => seam.handle(42), { name: 'TypeError', code: -32602, message: /^Invalid taskId: 42/ });
  } finally {
    done();
  }
});

test('seam rules are the store\'s: the granted ttl within maxTtl, expiry (get undefined, the signal aborts, nothing held), a terminal task final, the store\'s argument checks named as the seam\'s parameters', async () => {
  const { seam, done } = fresh({ maxTtl: 5_000 });
  try {
    assert.equal((await seam.create({ ttlMs: 60_000 })).ttlMs, 5_000);
    assert.equal((await seam.create({ ttlMs: null })).ttlMs, 5_000);

    const short = await seam.create({ ttlMs: 40, principal: 'p' });
    const work = seam.handle(short.taskId);
    const waiting = work.requireInput({ q: ELICIT });
    waiting.catch(() => {}); // looked at below, after the expiry
    await sleep(0);
    assert.equal(seam.stats().inputStates, 1);
    await sleep(80);
    assert.equal(await seam.get(short.taskId, { principal: 'p' }), undefined);
    await assert.rejects(waiting, { code: -32602 });
    assert.equal(work.signal.aborted, true);
    assert.deepEqual(seam.stats(), { inputStates: 0, handles: 0 });

    const ended = await seam.create({ ttlMs: 1_000 });
    await seam.handle(ended.taskId).fail({ code: 1, message: 'x' });
    await assert.rejects(seam.handle(ended.taskId).complete(text('again')), { code: -32602 });
    await assert.rejects(seam.handle(ended.taskId).fail({ code: 1.5, message: 'x' }), { name: 'TypeError', code: -32602, message: /^Invalid error/ });

    const bad = [
      [() => seam.create(), 'TypeError', /^Invalid params: undefined/],
      [() => seam.create({ ttlMs: 'x' }), 'TypeError', /^Invalid params\.ttlMs: "x"/],
      [() => seam.create({ ttlMs: NaN }), 'RangeError', /^Invalid params\.ttlMs: NaN/],
      [() => seam.create({ ttlMs: 1, pollIntervalMs: {} }), 'TypeError', /^Invalid params\.pollIntervalMs/],
      [() => seam.create({ ttlMs: 1, principal: 5 }), 'TypeError', /^Invalid params\.principal: 5/],
      [() => seam.create({ ttlMs: 1, principal: '' }), 'RangeError', /^Invalid params\.principal: ""/],
      [() => seam.create({ ttlMs: 1, context: 'x' }), 'TypeError', /^Invalid params\.context: "x"/],
      [() => seam.get('t', 'alice'), 'TypeError', /^Invalid access: "alice"/],
      [() => seam.get('t', { principal: 5 }), 'TypeError', /^Invalid access\.principal: 5/],
      [() => seam.cancel('t', { principal: 5 }), 'TypeError', /^Invalid access\.principal: 5/],
      [() => seam.update('t', {}, { principal: 5 }), 'TypeError', /^Invalid access\.principal: 5/],
      [() => seam.get(42), 'TypeError', /^Invalid taskId: 42/],
      [() => seam.cancel(null), 'TypeError', /^Invalid taskId: null/],
    ];
    for (const [call, name, message] of bad) {
      await assert.rejects(call(), (error) => {
        assert.ok(error instanceof Error);
        assert.equal(error.name, name, `${error.message}`);
        assert.equal(error.code, -32602);
        assert.match(error.message, message);
        return true;
      });
    }
    assert.throws(() => new ExtensionTaskStore({}), { name: 'TypeError', code: -32602 });
    assert.throws(() => ExtensionTaskStore(new InMemoryTaskStore()), TypeError);
    await assert.rejects(ExtensionTaskStore.prototype.get.call({}, 't'), { name: 'TypeError', code: -32602, message: /^Invalid this/ });
  } finally {
    done();
  }
});

test('TasksExtension over a given ExtensionTaskStore: one state for both (its tasks are the seam\'s, seam.handle gives the same handle), and closing the extension leaves the seam open', async () => {
  const { store, seam, done } = fresh();
  try {
    const tasks = new TasksExtension(seam, { defaultTtlMs: 60_000 });
    assert.equal(tasks.taskStore, seam);
    assert.equal(tasks.store, store);
    const ctx = { sessionId: 's1', mcpReq: { id: 1, method: 'tools/call', envelope: { 'io.modelcontextprotocol/clientCapabilities': { extensions: { [EXTENSION_ID]: {} } } } } };
    const handle = await tasks.create(ctx);
    assert.equal(seam.handle(handle.taskId), handle);
    handle.requireInput({ k: ELICIT }).catch(() => {});
    await sleep(0);
    assert.equal(await seam.get(handle.taskId, { principal: 'session:s2' }), undefined);
    assert.deepEqual(Object.keys((await detailed(seam, handle.taskId, { principal: 'session:s1' })).inputRequests), ['k']);
    tasks.close();
    assert.equal(seam.stats().inputStates, 1);
    assert.equal(await seam.update(handle.taskId, { k: { action: 'accept' } }, { principal: 'session:s1' }), true);
    assert.equal((await detailed(seam, handle.taskId, { principal: 'session:s1' })).status, 'working');

    const own = new TasksExtension(store);
    assert.notEqual(own.taskStore, seam);
    own.close();
    assert.equal(store.stats().listeners, 1); // the seam's; the extension's own seam unsubscribed
  } finally {
    done();
  }
});
