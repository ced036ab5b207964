// The rules of the task store that every store shows, whatever holds the tasks: one test per
// rule (see SPEC-NOTES.md and pkg-template/index.d.ts). Run by store.test.mjs against
// InMemoryTaskStore and by redis-conformance.test.mjs against RedisTaskStore (with both Redis
// client libraries); `kit.makeStore(t, options)` gives a fresh, empty store that is closed
// when the test ends. Written for both: cleanup() and getAllTasks() are awaited (synchronous
// on InMemoryTaskStore, async on RedisTaskStore) and the number of live tasks is counted with
// getAllTasks(); what only the in-memory store has (its one timer, `size`) is checked under
// `kit.inMemory`.
import assert from 'node:assert/strict';
import {
  REQ,
  UUID_V4,
  ISO,
  T0,
  fakeClock,
  timerSpy,
  checkError,
  rejectsWith,
  listAll,
} from '../fixtures/util.mjs';

/**
 * Defines the shared store tests with `test` (node:test's, or a describe's).
 * @param {{ makeStore(t: object, options?: object): object, inMemory: boolean }} kit
 */
export function storeRules(test, kit) {
  const { makeStore } = kit;

  const TERMINAL = ['completed', 'failed', 'cancelled'];
  const ALL_STATUSES = ['working', 'input_required', ...TERMINAL];
  const TASK_KEYS = ['createdAt', 'lastUpdatedAt', 'pollInterval', 'status', 'taskId', 'ttl'];

  // ---------------------------------------------------------------- the Task object

  test('task has exactly the 6 spec fields, a UUID v4 id and equal ISO timestamps at creation', async (t) => {
    const clock = fakeClock(t);
    const store = makeStore(t);
    const task = await store.createTask({ ttl: 60_000 }, 1, REQ);
    assert.deepEqual(Object.keys(task).sort(), TASK_KEYS);
    assert.match(task.taskId, UUID_V4);
    assert.equal(task.status, 'working');
    assert.match(task.createdAt, ISO);
    assert.equal(task.createdAt, new Date(clock.now).toISOString());
    assert.equal(task.lastUpdatedAt, task.createdAt);
    assert.equal(task.ttl, 60_000);
    assert.equal(task.pollInterval, 1000);
    assert.equal(Object.getPrototypeOf(task), Object.prototype);
    assert.deepEqual(await store.getTask(task.taskId), task);
  });

  test('statusMessage is the optional 7th field, present once set', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 'req-1', REQ);
    assert.equal('statusMessage' in (await store.getTask(taskId)), false);
    await store.updateTaskStatus(taskId, 'input_required', 'need a name');
    const task = await store.getTask(taskId);
    assert.deepEqual(Object.keys(task).sort(), [...TASK_KEYS, 'statusMessage'].sort());
    assert.equal(task.statusMessage, 'need a name');
  });

  test('task ids are unique UUID v4 over 2000 tasks', async (t) => {
    const store = makeStore(t);
    const ids = new Set();
    for (let i = 0; i < 2000; i++) {
      const { taskId } = await store.createTask({}, i, REQ);
      assert.match(taskId, UUID_V4);
      ids.add(taskId);
    }
    assert.equal(ids.size, 2000);
  });

  test('returned Task objects are copies: mutating them changes nothing in the store', async (t) => {
    const store = makeStore(t);
    const task = await store.createTask({ ttl: 5000 }, 1, REQ);
    const snapshot = structuredClone(task);
    task.status = 'completed';
    task.ttl = 1;
    task.extra = true;
    const [fromAll] = await store.getAllTasks();
    fromAll.status = 'failed';
    (await store.listTasks()).tasks[0].pollInterval = 7;
    assert.deepEqual(await store.getTask(snapshot.taskId), snapshot);
    assert.deepEqual(await store.getAllTasks(), [snapshot]);
  });

  test('defaults: pollInterval 1000, ttl null when not requested, requestId string or number, context ignored', async (t) => {
    const store = makeStore(t);
    const a = await store.createTask({}, 1, REQ);
    const b = await store.createTask({ ttl: null }, 'abc', REQ);
    const c = await store.createTask({ ttl: undefined, pollInterval: 250, context: { user: 'x' } }, -3.5, { method: 'tools/call' });
    assert.equal(a.ttl, null);
    assert.equal(b.ttl, null);
    assert.equal(c.ttl, null);
    assert.equal(a.pollInterval, 1000);
    assert.equal(c.pollInterval, 250);
    assert.equal((await store.createTask({ pollInterval: 0 }, 1, REQ)).pollInterval, 0);
  });

  test('requested ttls are granted as asked by default (as the SDK store); 0 or less becomes minTtl (1 ms)', async (t) => {
    const store = makeStore(t);
    assert.equal((await store.createTask({ ttl: 50 }, 1, REQ)).ttl, 50);
    assert.equal((await store.createTask({ ttl: 1 }, 1, REQ)).ttl, 1);
    assert.equal((await store.createTask({ ttl: 999 }, 1, REQ)).ttl, 999);
    assert.equal((await store.createTask({ ttl: 0 }, 1, REQ)).ttl, 1);
    assert.equal((await store.createTask({ ttl: 2 ** 40 }, 1, REQ)).ttl, 2 ** 40);
    const floored = makeStore(t, { minTtl: 1000 });
    assert.equal((await floored.createTask({ ttl: 50 }, 1, REQ)).ttl, 1000, 'minTtl is an opt-in floor');
  });

  test('a client\'s out-of-range ttl or pollInterval is brought into range and reported, never rejected', async (t) => {
    const store = makeStore(t);
    const cases = [
      [{ ttl: -5 }, 'ttl', 1],
      [{ ttl: -Infinity }, 'ttl', 1],
      [{ ttl: 1.5 }, 'ttl', 2],
      [{ ttl: 0.2 }, 'ttl', 1],
      [{ ttl: 2 ** 53 }, 'ttl', Number.MAX_SAFE_INTEGER],
      [{ ttl: 1e300 }, 'ttl', Number.MAX_SAFE_INTEGER],
      [{ ttl: Infinity }, 'ttl', Number.MAX_SAFE_INTEGER],
      [{ pollInterval: -1 }, 'pollInterval', 0],
      [{ pollInterval: 0.5 }, 'pollInterval', 1],
      [{ pollInterval: 2 ** 60 }, 'pollInterval', Number.MAX_SAFE_INTEGER],
    ];
    for (const [params, key, granted] of cases) {
      const task = await store.createTask(params, 1, REQ);
      assert.equal(task[key], granted, JSON.stringify(params));
      // (A 1 or 2 ms ttl may already have run out.)
      if (key === 'pollInterval' || granted > 1000) assert.deepEqual(await store.getTask(task.taskId), task);
    }
  });

  test('no maxTtl by default; options maxTtl caps the ttl and turns null into maxTtl', async (t) => {
    const store = makeStore(t, { maxTtl: 60_000, minTtl: 0 });
    assert.equal((await store.createTask({ ttl: 90_000 }, 1, REQ)).ttl, 60_000);
    assert.equal((await store.createTask({ ttl: 60_000 }, 1, REQ)).ttl, 60_000);
    assert.equal((await store.createTask({ ttl: 5 }, 1, REQ)).ttl, 5);
    assert.equal((await store.createTask({}, 1, REQ)).ttl, 60_000);
    assert.equal((await store.createTask({ ttl: null }, 1, REQ)).ttl, 60_000);
    const unlimited = makeStore(t, { maxTtl: null });
    assert.equal((await unlimited.createTask({ ttl: null }, 1, REQ)).ttl, null);
    assert.equal((await unlimited.createTask({ ttl: Number.MAX_SAFE_INTEGER }, 1, REQ)).ttl, Number.MAX_SAFE_INTEGER);
  });

  test('options: defaultPollInterval, minTtl and pageSize are honoured; null/undefined options mean defaults', async (t) => {
    const store = makeStore(t, { defaultPollInterval: 500, minTtl: 5000, pageSize: 3 });
    const task = await store.createTask({ ttl: 10 }, 1, REQ);
    assert.equal(task.pollInterval, 500);
    assert.equal(task.ttl, 5000);
    for (let i = 0; i < 4; i++) await store.createTask({}, i, REQ);
    const page = await store.listTasks();
    assert.equal(page.tasks.length, 3);
    assert.equal(typeof page.nextCursor, 'string');
    for (const options of [undefined, null, {}]) {
      const s = makeStore(t, options);
      const x = await s.createTask({ ttl: 0 }, 1, REQ);
      assert.equal(x.pollInterval, 1000);
      assert.equal(x.ttl, 1);
    }
    makeStore(t, { pageSize: 1 });
    makeStore(t, { pageSize: 1000 });
    makeStore(t, { minTtl: 0, maxTtl: 0 });
  });

  // ---------------------------------------------------------------- the state machine

  test('state machine: working <-> input_required, and every non-terminal -> terminal move', async (t) => {
    const clock = fakeClock(t);
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    clock.advance(10);
    await store.updateTaskStatus(taskId, 'input_required');
    assert.equal((await store.getTask(taskId)).status, 'input_required');
    await store.updateTaskStatus(taskId, 'working');
    assert.equal((await store.getTask(taskId)).status, 'working');
    for (const from of ['working', 'input_required']) {
      for (const to of TERMINAL) {
        const { taskId: id } = await store.createTask({}, 1, REQ);
        if (from !== 'working') await store.updateTaskStatus(id, from);
        await store.updateTaskStatus(id, to);
        assert.equal((await store.getTask(id)).status, to, `${from} -> ${to}`);
      }
    }
  });

  test('every terminal -> * transition is rejected with the SDK wording, and changes nothing', async (t) => {
    const store = makeStore(t);
    for (const from of TERMINAL) {
      for (const to of ALL_STATUSES) {
        const { taskId } = await store.createTask({}, 1, REQ);
        await store.updateTaskStatus(taskId, from, 'the end');
        const before = await store.getTask(taskId);
        await rejectsWith(() => store.updateTaskStatus(taskId, to, 'again'), {
          cls: Error,
          startsWith: `Cannot update task ${taskId} from terminal status '${from}' to '${to}'`,
        });
        assert.deepEqual(await store.getTask(taskId), before, `${from} -> ${to} changed the task`);
      }
    }
  });

  test('a repeated non-terminal status is allowed and moves lastUpdatedAt', async (t) => {
    const clock = fakeClock(t);
    const store = makeStore(t);
    const task = await store.createTask({}, 1, REQ);
    for (const status of ['working', 'input_required']) {
      clock.advance(1000);
      await store.updateTaskStatus(task.taskId, status, `${status} 1`);
      clock.advance(1000);
      await store.updateTaskStatus(task.taskId, status, `${status} 2`);
      const now = await store.getTask(task.taskId);
      assert.equal(now.status, status);
      assert.equal(now.statusMessage, `${status} 2`);
      assert.equal(now.lastUpdatedAt, new Date(clock.now).toISOString());
      assert.equal(now.createdAt, task.createdAt);
    }
  });

  test('statusMessage: as the SDK store, a message sets it and none (or an empty one) keeps it, results included', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    const message = async () => (await store.getTask(taskId)).statusMessage;
    await store.updateTaskStatus(taskId, 'working', 'starting');
    assert.equal(await message(), 'starting');
    await store.updateTaskStatus(taskId, 'working');
    assert.equal(await message(), 'starting', 'repeated status without message keeps it');
    await store.updateTaskStatus(taskId, 'working', null);
    assert.equal(await message(), 'starting', 'null message counts as none');
    await store.updateTaskStatus(taskId, 'input_required');
    assert.equal(await message(), 'starting', 'status change without message keeps it');
    await store.updateTaskStatus(taskId, 'input_required', '');
    assert.equal(await message(), 'starting', 'an empty message keeps it');
    await store.updateTaskStatus(taskId, 'input_required', 'which file?');
    assert.equal(await message(), 'which file?');
    await store.updateTaskStatus(taskId, 'failed', 'disk full');
    assert.equal(await message(), 'disk full', 'a terminal status may carry a message');
    const other = await store.createTask({}, 1, REQ);
    await store.updateTaskStatus(other.taskId, 'working', 'busy');
    await store.storeTaskResult(other.taskId, 'completed', { content: [] });
    assert.equal((await store.getTask(other.taskId)).statusMessage, 'busy', 'storeTaskResult keeps it');
  });

  test('lastUpdatedAt moves on every change, createdAt never, and never moves backwards', async (t) => {
    const clock = fakeClock(t);
    const store = makeStore(t);
    const task = await store.createTask({}, 1, REQ);
    clock.advance(1234);
    await store.updateTaskStatus(task.taskId, 'input_required');
    let now = await store.getTask(task.taskId);
    assert.equal(now.createdAt, task.createdAt);
    assert.equal(now.lastUpdatedAt, new Date(T0 + 1234).toISOString());
    clock.set(T0 - 60_000); // the wall clock stepped back
    await store.updateTaskStatus(task.taskId, 'working');
    now = await store.getTask(task.taskId);
    assert.ok(now.lastUpdatedAt >= new Date(T0 + 1234).toISOString(), `lastUpdatedAt went back to ${now.lastUpdatedAt}`);
  });

  test('storeTaskResult from working and from input_required ends the task with that status', async (t) => {
    const store = makeStore(t);
    for (const from of ['working', 'input_required']) {
      for (const outcome of ['completed', 'failed']) {
        const { taskId } = await store.createTask({}, 1, REQ);
        if (from === 'input_required') await store.updateTaskStatus(taskId, 'input_required', 'asking');
        const result = { content: [{ type: 'text', text: `${from}/${outcome}` }], isError: outcome === 'failed' };
        assert.equal(await store.storeTaskResult(taskId, outcome, result), undefined);
        assert.equal((await store.getTask(taskId)).status, outcome);
        assert.deepEqual(await store.getTaskResult(taskId), result);
      }
    }
  });

  test('storeTaskResult on a terminal task is rejected with the SDK wording; the first result stays', async (t) => {
    const store = makeStore(t);
    for (const from of TERMINAL) {
      const { taskId } = await store.createTask({}, 1, REQ);
      if (from === 'cancelled') await store.updateTaskStatus(taskId, 'cancelled');
      else await store.storeTaskResult(taskId, from, { first: true });
      for (const outcome of ['completed', 'failed']) {
        await rejectsWith(() => store.storeTaskResult(taskId, outcome, { second: true }), {
          cls: Error,
          startsWith: `Cannot store result for task ${taskId} in terminal status`,
        });
      }
      assert.equal((await store.getTask(taskId)).status, from);
      if (from !== 'cancelled') assert.deepEqual(await store.getTaskResult(taskId), { first: true });
    }
  });

  test('a cancelled task stays cancelled when its result arrives later, and has no result', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({ ttl: 60_000 }, 1, REQ);
    await store.updateTaskStatus(taskId, 'cancelled', 'client cancelled');
    await rejectsWith(() => store.storeTaskResult(taskId, 'completed', { content: [] }), {
      startsWith: `Cannot store result for task ${taskId} in terminal status 'cancelled'`,
    });
    await rejectsWith(() => store.storeTaskResult(taskId, 'failed', { content: [], isError: true }), {
      startsWith: `Cannot store result for task ${taskId} in terminal status 'cancelled'`,
    });
    const task = await store.getTask(taskId);
    assert.equal(task.status, 'cancelled');
    assert.equal(task.statusMessage, 'client cancelled');
    await rejectsWith(() => store.getTaskResult(taskId), { startsWith: `Task ${taskId} has no result stored` });
  });

  test('getTaskResult before a result is stored rejects with the SDK wording', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    await rejectsWith(() => store.getTaskResult(taskId), { cls: Error, startsWith: `Task ${taskId} has no result stored` });
    await store.updateTaskStatus(taskId, 'completed');
    await rejectsWith(() => store.getTaskResult(taskId), { cls: Error, startsWith: `Task ${taskId} has no result stored` });
  });

  test('unknown task: getTask resolves null, the others reject "Task with ID <id> not found" (-32602)', async (t) => {
    const store = makeStore(t);
    await store.createTask({}, 1, REQ);
    for (const id of ['nope', crypto.randomUUID(), '', 'x'.repeat(50)]) {
      assert.equal(await store.getTask(id), null);
      const expected = { cls: Error, startsWith: `Task with ID ${id} not found` };
      await rejectsWith(() => store.updateTaskStatus(id, 'working'), expected);
      await rejectsWith(() => store.storeTaskResult(id, 'completed', {}), expected);
      await rejectsWith(() => store.getTaskResult(id), expected);
    }
    assert.equal((await store.getAllTasks()).length, 1);
  });

  // ---------------------------------------------------------------- TTL

  test('ttl counts from creation: visible until just before the deadline, gone at it', async (t) => {
    const clock = fakeClock(t);
    const store = makeStore(t);
    const { taskId } = await store.createTask({ ttl: 5000 }, 1, REQ);
    clock.advance(4999);
    assert.notEqual(await store.getTask(taskId), null);
    clock.advance(1);
    assert.equal(await store.getTask(taskId), null);
    assert.equal((await store.getAllTasks()).length, 0);
  });

  test('a non-terminal status change does not restart the ttl', async (t) => {
    const clock = fakeClock(t);
    const store = makeStore(t);
    const { taskId } = await store.createTask({ ttl: 5000 }, 1, REQ);
    clock.advance(3000);
    await store.updateTaskStatus(taskId, 'input_required', 'question');
    clock.advance(1000);
    await store.updateTaskStatus(taskId, 'working');
    clock.advance(999);
    assert.notEqual(await store.getTask(taskId), null);
    clock.advance(1);
    assert.equal(await store.getTask(taskId), null);
  });

  test('the ttl restarts when the task turns terminal (updateTaskStatus and storeTaskResult)', async (t) => {
    const clock = fakeClock(t);
    const store = makeStore(t);
    const viaStatus = await store.createTask({ ttl: 5000 }, 1, REQ);
    const viaResult = await store.createTask({ ttl: 5000 }, 2, REQ);
    const untouched = await store.createTask({ ttl: 5000 }, 3, REQ);
    clock.advance(3000);
    await store.updateTaskStatus(viaStatus.taskId, 'cancelled');
    await store.storeTaskResult(viaResult.taskId, 'completed', { content: [{ type: 'text', text: 'done' }] });
    clock.advance(2000); // creation + 5000
    assert.equal(await store.getTask(untouched.taskId), null);
    assert.notEqual(await store.getTask(viaStatus.taskId), null);
    assert.equal((await store.getTask(viaResult.taskId)).ttl, 5000, 'the reported ttl is unchanged');
    clock.advance(2999); // terminal + 4999
    assert.deepEqual(await store.getTaskResult(viaResult.taskId), { content: [{ type: 'text', text: 'done' }] });
    assert.notEqual(await store.getTask(viaStatus.taskId), null);
    clock.advance(1); // terminal + 5000
    assert.equal(await store.getTask(viaStatus.taskId), null);
    assert.equal(await store.getTask(viaResult.taskId), null);
    await rejectsWith(() => store.getTaskResult(viaResult.taskId), { startsWith: `Task with ID ${viaResult.taskId} not found` });
  });

  test('a task with ttl null never expires', async (t) => {
    const clock = fakeClock(t);
    const store = makeStore(t);
    const { taskId } = await store.createTask({ ttl: null }, 1, REQ);
    const done = await store.createTask({}, 1, REQ);
    await store.storeTaskResult(done.taskId, 'completed', { ok: true });
    if (kit.inMemory) assert.equal(store.hasPendingTimer, false, 'no timer for tasks without a deadline');
    clock.advance(100 * 365 * 24 * 3600 * 1000);
    assert.notEqual(await store.getTask(taskId), null);
    assert.deepEqual(await store.getTaskResult(done.taskId), { ok: true });
    assert.equal((await store.getAllTasks()).length, 2);
  });

  test('an expired task disappears from get/list/result/update/getAllTasks/size at its deadline, before any timer fires', async (t) => {
    const clock = fakeClock(t);
    const spy = timerSpy(t);
    const store = makeStore(t);
    const keep = await store.createTask({}, 1, REQ);
    const gone = await store.createTask({ ttl: 2000 }, 2, REQ);
    await store.storeTaskResult(gone.taskId, 'completed', { v: 1 }); // deadline now T0 + 2000
    // InMemoryTaskStore: its one timer; RedisTaskStore: no JS timer at all (Redis expires keys).
    const timers = kit.inMemory ? 1 : 0;
    assert.equal(spy.live.size, timers);
    clock.advance(2000);
    // The real timer is armed for 2 s of real time: it has not fired (nor has Redis's expiry).
    assert.equal(spy.live.size, timers);
    assert.equal(await store.getTask(gone.taskId), null);
    assert.deepEqual((await store.listTasks()).tasks.map((x) => x.taskId), [keep.taskId]);
    assert.deepEqual((await store.getAllTasks()).map((x) => x.taskId), [keep.taskId]);
    assert.equal((await store.getAllTasks()).length, 1);
    const notFound = { startsWith: `Task with ID ${gone.taskId} not found` };
    await rejectsWith(() => store.getTaskResult(gone.taskId), notFound);
    await rejectsWith(() => store.updateTaskStatus(gone.taskId, 'working'), notFound);
    await rejectsWith(() => store.storeTaskResult(gone.taskId, 'completed', {}), notFound);
  });

  test('cleanup() removes every task and clears the timer; the store works afterwards', async (t) => {
    const spy = timerSpy(t);
    const store = makeStore(t);
    const a = await store.createTask({ ttl: 60_000 }, 1, REQ, 'S');
    await store.createTask({}, 2, REQ);
    assert.equal(await store.cleanup(), undefined);
    assert.equal((await store.getAllTasks()).length, 0);
    if (kit.inMemory) assert.equal(store.hasPendingTimer, false);
    assert.equal(spy.live.size, 0);
    assert.equal(await store.getTask(a.taskId), null);
    assert.deepEqual(await store.getAllTasks(), []);
    assert.deepEqual(await store.listTasks(), { tasks: [] });
    const b = await store.createTask({ ttl: 5000 }, 3, REQ);
    assert.equal((await store.getAllTasks()).length, 1);
    if (kit.inMemory) assert.equal(store.hasPendingTimer, true);
    assert.notEqual(await store.getTask(b.taskId), null);
  });

  test('getAllTasks() returns every live task in creation order, whatever its session', async (t) => {
    const store = makeStore(t);
    const ids = [];
    for (let i = 0; i < 30; i++) {
      ids.push((await store.createTask({}, i, REQ, [undefined, 'A', 'B'][i % 3])).taskId);
    }
    await store.updateTaskStatus(ids[4], 'completed');
    const all = await store.getAllTasks();
    assert.ok(Array.isArray(all), 'not an array (a Promise?)');
    assert.deepEqual(all.map((x) => x.taskId), ids);
    assert.equal(all[4].status, 'completed');
  });

  // ---------------------------------------------------------------- sessions

  async function sessionFixture(t) {
    const store = makeStore(t);
    const a = (await store.createTask({}, 1, REQ, 'A')).taskId;
    const b = (await store.createTask({}, 2, REQ, 'B')).taskId;
    const u = (await store.createTask({}, 3, REQ)).taskId;
    return { store, a, b, u };
  }

  test('sessions: getTask hides another session\'s task; unowned tasks are visible to all; no session sees all', async (t) => {
    const { store, a, b, u } = await sessionFixture(t);
    assert.equal(await store.getTask(a, 'B'), null);
    assert.equal(await store.getTask(b, 'A'), null);
    assert.equal(await store.getTask(a, 'C'), null);
    assert.equal((await store.getTask(a, 'A')).taskId, a);
    assert.equal((await store.getTask(b, 'B')).taskId, b);
    for (const s of ['A', 'B', 'C', undefined]) assert.equal((await store.getTask(u, s)).taskId, u);
    assert.equal((await store.getTask(a)).taskId, a);
    assert.equal((await store.getTask(b, undefined)).taskId, b);
    assert.equal((await store.getTask(b, null)).taskId, b);
  });

  test('sessions: updateTaskStatus / storeTaskResult / getTaskResult on another session\'s task are "not found" and change nothing', async (t) => {
    const { store, a, u } = await sessionFixture(t);
    const before = await store.getAllTasks();
    const notFound = { cls: Error, startsWith: `Task with ID ${a} not found` };
    await rejectsWith(() => store.updateTaskStatus(a, 'cancelled', undefined, 'B'), notFound);
    await rejectsWith(() => store.storeTaskResult(a, 'completed', { x: 1 }, 'B'), notFound);
    await rejectsWith(() => store.getTaskResult(a, 'B'), notFound);
    assert.deepEqual(await store.getAllTasks(), before);
    await store.storeTaskResult(a, 'completed', { x: 1 }, 'A');
    await rejectsWith(() => store.getTaskResult(a, 'B'), notFound);
    assert.deepEqual(await store.getTaskResult(a, 'A'), { x: 1 });
    assert.deepEqual(await store.getTaskResult(a), { x: 1 });
    // Unowned tasks can be driven from any session.
    await store.updateTaskStatus(u, 'input_required', 'q', 'B');
    await store.storeTaskResult(u, 'failed', { isError: true }, 'C');
    assert.deepEqual(await store.getTaskResult(u, 'A'), { isError: true });
  });

  test('sessions: listTasks shows a session its own and unowned tasks only; no session lists all', async (t) => {
    const { store, a, b, u } = await sessionFixture(t);
    const ids = async (s) => (await store.listTasks(undefined, s)).tasks.map((x) => x.taskId);
    assert.deepEqual(await ids('A'), [a, u]);
    assert.deepEqual(await ids('B'), [b, u]);
    assert.deepEqual(await ids('C'), [u]);
    assert.deepEqual(await ids(undefined), [a, b, u]);
    await rejectsWith(() => store.listTasks(a, 'B'), { startsWith: `Invalid cursor: ${a}` });
  });

  test('sessions: an empty-string sessionId is rejected by every method, not read as "no session"', async (t) => {
    const { store, a } = await sessionFixture(t);
    const before = await store.getAllTasks();
    const expected = { cls: RangeError, startsWith: 'Invalid sessionId', includes: 'sessionId' };
    await rejectsWith(() => store.createTask({}, 1, REQ, ''), expected);
    await rejectsWith(() => store.getTask(a, ''), expected);
    await rejectsWith(() => store.updateTaskStatus(a, 'working', 'm', ''), expected);
    await rejectsWith(() => store.storeTaskResult(a, 'completed', {}, ''), expected);
    await rejectsWith(() => store.getTaskResult(a, ''), expected);
    await rejectsWith(() => store.listTasks(undefined, ''), expected);
    assert.deepEqual(await store.getAllTasks(), before);
  });

  test('sessions: a sessionId or statusMessage with a lone surrogate is rejected, never merged with U+FFFD', async (t) => {
    // Strings cross into wasm as UTF-8, where a lone surrogate turns into U+FFFD: accepted,
    // 'A\uD800' and 'A\uFFFD' would be one session, each seeing the other's tasks.
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ, 'A\uFFFD');
    const before = await store.getAllTasks();
    const expected = { cls: RangeError, code: -32602, startsWith: 'Invalid sessionId', includes: 'well-formed' };
    for (const lone of ['A\uD800', 'A\uDC00', '\uD800', 'x\uDBFFy', '\uDE00\uD83D']) {
      await rejectsWith(() => store.createTask({}, 2, REQ, lone), expected);
      await rejectsWith(() => store.getTask(taskId, lone), expected);
      await rejectsWith(() => store.listTasks(undefined, lone), expected);
      await rejectsWith(() => store.updateTaskStatus(taskId, 'working', 'm', lone), expected);
      await rejectsWith(() => store.storeTaskResult(taskId, 'completed', {}, lone), expected);
      await rejectsWith(() => store.getTaskResult(taskId, lone), expected);
    }
    await rejectsWith(() => store.updateTaskStatus(taskId, 'working', 'half \uD83D'),
      { cls: RangeError, code: -32602, startsWith: 'Invalid statusMessage', includes: 'well-formed' });
    assert.deepEqual(await store.getAllTasks(), before, 'rejected calls changed nothing');
    // Well-formed strings, surrogate pairs included, are ordinary sessions.
    assert.equal(await store.getTask(taskId, 'A\uD83D\uDE00'), null);
    const { taskId: emoji } = await store.createTask({}, 3, REQ, 'A\uD83D\uDE00');
    assert.equal(await store.getTask(emoji, 'A\uFFFD'), null);
    assert.equal((await store.getTask(emoji, 'A\uD83D\uDE00')).taskId, emoji);
    await store.updateTaskStatus(emoji, 'working', 'done \uD83D\uDE00', 'A\uD83D\uDE00');
    assert.equal((await store.getTask(emoji)).statusMessage, 'done \uD83D\uDE00');
  });

  // ---------------------------------------------------------------- listTasks

  test('listTasks: default page size 10, nextCursor present iff more tasks follow', async (t) => {
    const store = makeStore(t);
    assert.deepEqual(await store.listTasks(), { tasks: [] });
    for (let i = 0; i < 10; i++) await store.createTask({}, i, REQ);
    let page = await store.listTasks();
    assert.equal(page.tasks.length, 10);
    assert.equal('nextCursor' in page, false, 'exactly one full page: no nextCursor');
    for (let i = 0; i < 10; i++) await store.createTask({}, i, REQ);
    page = await store.listTasks();
    assert.equal(page.tasks.length, 10);
    assert.match(page.nextCursor, /^[0-9a-f]{24}$/);
    const second = await store.listTasks(page.nextCursor);
    assert.equal(second.tasks.length, 10);
    assert.equal('nextCursor' in second, false, 'exactly two full pages: no nextCursor on the second');
    await store.createTask({}, 99, REQ);
    const again = await store.listTasks(page.nextCursor);
    assert.equal(again.tasks.length, 10);
    assert.equal(typeof again.nextCursor, 'string');
    const last = await store.listTasks(again.nextCursor);
    assert.deepEqual(Object.keys(last), ['tasks']);
    assert.equal(last.tasks.length, 1);
  });

  test('listTasks: a cursor is bound to the session it was handed to and reveals nothing of other sessions', async (t) => {
    const store = makeStore(t, { pageSize: 2 });
    for (let i = 0; i < 3; i++) await store.createTask({}, i, REQ, 'A');
    const { nextCursor } = await store.listTasks(undefined, 'A');
    for (const other of ['B', undefined]) {
      await rejectsWith(() => store.listTasks(nextCursor, other), { cls: Error, code: -32602, startsWith: `Invalid cursor: ${nextCursor}` });
    }
    assert.equal((await store.listTasks(nextCursor, 'A')).tasks.length, 1);
    // B's cursors look the same whether or not A created 50 tasks in between.
    const quiet = makeStore(t, { pageSize: 1 });
    const busy = makeStore(t, { pageSize: 1 });
    for (const s of [quiet, busy]) await s.createTask({}, 1, REQ, 'B');
    for (let i = 0; i < 50; i++) await busy.createTask({}, i, REQ, 'A');
    for (const s of [quiet, busy]) await s.createTask({}, 2, REQ, 'B');
    const cursors = await Promise.all([quiet, busy].map(async (s) => (await s.listTasks(undefined, 'B')).nextCursor));
    for (const c of cursors) assert.match(c, /^[0-9a-f]{24}$/);
    assert.notEqual(cursors[0], cursors[1], 'each store has its own key');
  });

  test('listTasks: over 31 tasks in 2 sessions + unowned, every visible task exactly once, in creation order', async (t) => {
    const store = makeStore(t);
    const created = [];
    for (let i = 0; i < 31; i++) {
      const session = [undefined, 'A', 'B', 'A', 'B'][i % 5];
      created.push({ id: (await store.createTask({}, i, REQ, session)).taskId, session });
    }
    const visible = (s) => created.filter((c) => s === undefined || c.session === undefined || c.session === s).map((c) => c.id);
    for (const session of [undefined, 'A', 'B', 'C']) {
      const { ids, pages } = await listAll(store, session);
      assert.deepEqual(ids, visible(session), `session ${session}`);
      assert.equal(new Set(ids).size, ids.length, 'a task listed twice');
      pages.forEach((p, i) => {
        const isLast = i === pages.length - 1;
        assert.equal(p.tasks.length, isLast ? p.tasks.length : 10);
        assert.ok(p.tasks.length <= 10);
        assert.equal('nextCursor' in p, !isLast);
      });
      assert.equal(pages.length, Math.max(1, Math.ceil(ids.length / 10)));
    }
  });

  test('listTasks: a cursor stays valid after its task is deleted (expired by a clock jump)', async (t) => {
    const clock = fakeClock(t);
    const store = makeStore(t);
    const ids = [];
    for (let i = 0; i < 15; i++) ids.push((await store.createTask({ ttl: i === 9 || i === 10 ? 1000 : null }, i, REQ)).taskId);
    const page = await store.listTasks();
    assert.equal(page.tasks.at(-1).taskId, ids[9]);
    clock.advance(1000); // tasks 9 (the cursor's) and 10 (the next one) expire
    assert.equal(await store.getTask(ids[9]), null);
    const next = await store.listTasks(page.nextCursor);
    assert.deepEqual(next.tasks.map((x) => x.taskId), ids.slice(11));
    assert.equal('nextCursor' in next, false);
  });

  test('listTasks: a cursor stays valid after cleanup() and resumes before tasks created later', async (t) => {
    const store = makeStore(t, { pageSize: 2 });
    for (let i = 0; i < 3; i++) await store.createTask({}, i, REQ);
    const { nextCursor } = await store.listTasks();
    await store.cleanup();
    const fresh = (await store.createTask({}, 9, REQ)).taskId;
    assert.deepEqual((await store.listTasks(nextCursor)).tasks.map((x) => x.taskId), [fresh]);
  });

  test('listTasks: a live task id is accepted as a cursor meaning "after this task" (SDK callers)', async (t) => {
    const store = makeStore(t, { pageSize: 4 });
    const ids = [];
    for (let i = 0; i < 9; i++) ids.push((await store.createTask({}, i, REQ, i === 5 ? 'B' : 'A')).taskId);
    const page = await store.listTasks(ids[2]);
    assert.deepEqual(page.tasks.map((x) => x.taskId), ids.slice(3, 7));
    assert.equal(typeof page.nextCursor, 'string');
    assert.deepEqual((await store.listTasks(ids[8])).tasks, []);
    const forA = await store.listTasks(ids[2], 'A');
    assert.deepEqual(forA.tasks.map((x) => x.taskId), [ids[3], ids[4], ids[6], ids[7]]);
    // A task id the session cannot see is not a cursor for it.
    await rejectsWith(() => store.listTasks(ids[5], 'A'), { startsWith: `Invalid cursor: ${ids[5]}` });
  });

  test('listTasks: malformed or unknown cursors reject with -32602 "Invalid cursor: <cursor>"', async (t) => {
    const store = makeStore(t);
    for (let i = 0; i < 12; i++) await store.createTask({}, i, REQ);
    const { nextCursor } = await store.listTasks();
    const bad = ['zzz', '', 'c', 'cg', 'C1', 'c01', ' c1', 'c1 ', '-1', 'cffffffff', 'c' + 'f'.repeat(17), crypto.randomUUID(), nextCursor + '0', 'c\u0000'];
    for (const cursor of bad) {
      await rejectsWith(() => store.listTasks(cursor), { cls: Error, code: -32602, startsWith: `Invalid cursor: ${cursor}` });
    }
    const long = 'q'.repeat(10_000);
    const err = await rejectsWith(() => store.listTasks(long), { startsWith: 'Invalid cursor: qqq' });
    assert.ok(err.message.length < 1000, 'a long cursor is quoted in full');
  });

  test('listTasks: pages are copies and the page object has only tasks and nextCursor', async (t) => {
    const store = makeStore(t, { pageSize: 2 });
    for (let i = 0; i < 3; i++) await store.createTask({}, i, REQ);
    const page = await store.listTasks();
    assert.deepEqual(Object.keys(page).sort(), ['nextCursor', 'tasks']);
    for (const task of page.tasks) assert.deepEqual(Object.keys(task).sort(), TASK_KEYS);
  });

  // ---------------------------------------------------------------- results

  test('results: stored as a deep copy; later mutation by the caller changes nothing', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    const result = { content: [{ type: 'text', text: 'hi' }], structuredContent: { n: 1, list: [1, 2, { deep: true }] } };
    const expected = structuredClone(result);
    await store.storeTaskResult(taskId, 'completed', result);
    result.content[0].text = 'changed';
    result.content.push({ type: 'text', text: 'more' });
    result.structuredContent.list[2].deep = false;
    result.extra = 1;
    assert.deepStrictEqual(await store.getTaskResult(taskId), expected);
  });

  test('results: equal (deepStrictEqual) to what was stored, undefined properties dropped', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    const result = {
      content: [{ type: 'text', text: 'é ✓ \u0000 "quoted"', annotations: undefined }],
      structuredContent: undefined,
      isError: false,
      _meta: { 'io.modelcontextprotocol/related-task': { taskId: 'x' } },
      nums: [0, -1, 1.5, 1e300, -1e-300, Number.MAX_SAFE_INTEGER],
      nil: null,
      empty: {},
      emptyList: [],
      nested: [[[]], [{ a: [{}] }]],
    };
    await store.storeTaskResult(taskId, 'completed', result);
    const got = await store.getTaskResult(taskId);
    assert.deepStrictEqual(got, JSON.parse(JSON.stringify(result)));
    assert.equal('structuredContent' in got, false);
    assert.equal('annotations' in got.content[0], false);
    assert.deepStrictEqual(await store.getTaskResult(taskId), got, 'repeated reads are equal');
  });

  test('results: the returned result is the caller\'s; changing it (as the SDK allows, result._meta = …) changes nothing stored', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    await store.storeTaskResult(taskId, 'completed', { content: [{ type: 'text', text: 'a' }], meta: { x: { y: [1] } } });
    const got = await store.getTaskResult(taskId);
    got._meta = { 'io.modelcontextprotocol/related-task': { taskId } };
    got.content.push({ type: 'text', text: 'b' });
    got.meta.x.y[0] = 2;
    assert.deepStrictEqual(await store.getTaskResult(taskId), { content: [{ type: 'text', text: 'a' }], meta: { x: { y: [1] } } });
    assert.notEqual(await store.getTaskResult(taskId), await store.getTaskResult(taskId), 'each read is its own copy');
  });

  test('results: stored as the wire carries them (JSON.stringify semantics: toJSON, NaN → null, functions left out)', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    class Point {
      constructor() {
        this.x = 1;
      }
      norm() {
        return 1;
      }
    }
    const result = {
      content: [{ type: 'text', text: 'ok' }],
      structuredContent: {
        at: new Date(0),
        custom: { toJSON: (key) => `custom:${key}` },
        nan: NaN,
        inf: -Infinity,
        fn: () => 1,
        sym: Symbol('s'),
        list: [undefined, () => 1, Symbol('x'), NaN, new Number(3), new String('s'), new Boolean(false), , 5], // eslint-disable-line no-sparse-arrays
        map: new Map([[1, 2]]),
        bytes: new Uint8Array([7, 8]),
        point: new Point(),
        re: /x/,
      },
    };
    await store.storeTaskResult(taskId, 'completed', result);
    const got = await store.getTaskResult(taskId);
    assert.deepStrictEqual(got, JSON.parse(JSON.stringify(result)));
    assert.equal(got.structuredContent.at, '1970-01-01T00:00:00.000Z');
    assert.equal(got.structuredContent.custom, 'custom:custom');
    // The same for a queued message.
    const queue = store.messageQueue();
    const message = { jsonrpc: '2.0', method: 'notifications/x', params: { when: new Date(0), skip: undefined, n: NaN } };
    await queue.enqueue(taskId, { type: 'notification', message, timestamp: 1 });
    assert.deepStrictEqual((await queue.dequeue(taskId)).message, JSON.parse(JSON.stringify(message)));
  });

  test('results: a "__proto__" key is kept as an own data property, never as a prototype', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    const input = JSON.parse('{"__proto__": {"polluted": true}, "inner": {"__proto__": [1]}, "a": 1}');
    await store.storeTaskResult(taskId, 'completed', input);
    const got = await store.getTaskResult(taskId);
    assert.ok(Object.hasOwn(got, '__proto__'));
    assert.equal(Object.getPrototypeOf(got), Object.prototype);
    assert.equal(got.polluted, undefined);
    assert.deepEqual(Object.getOwnPropertyDescriptor(got, '__proto__').value, { polluted: true });
    assert.ok(Object.hasOwn(got.inner, '__proto__'));
    assert.equal(Object.getPrototypeOf(got.inner), Object.prototype);
    assert.equal({}.polluted, undefined, 'Object.prototype polluted');
    assert.equal(JSON.stringify(got), JSON.stringify(input));
  });

  test('results: null-prototype objects and transparent Proxy objects are accepted and copied', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    const bare = Object.assign(Object.create(null), { a: 1 });
    const target = { list: [1, 2], bare };
    const proxy = new Proxy(target, {});
    await store.storeTaskResult(taskId, 'completed', { p: proxy, arr: new Proxy([3, 4], {}) });
    target.list.push(3);
    const got = await store.getTaskResult(taskId);
    assert.equal(JSON.stringify(got), '{"p":{"list":[1,2],"bare":{"a":1}},"arr":[3,4]}');
    assert.ok(Array.isArray(got.arr));
  });

  test('results: getters are read once at store time; a throwing getter rejects (naming result and the thrown message) and changes nothing', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    let reads = 0;
    await store.storeTaskResult(taskId, 'completed', {
      get lazy() {
        reads += 1;
        return { n: reads };
      },
    });
    assert.equal(reads, 1);
    assert.deepStrictEqual(await store.getTaskResult(taskId), { lazy: { n: 1 } });
    const other = await store.createTask({}, 2, REQ);
    const err = await rejectsWith(
      () =>
        store.storeTaskResult(other.taskId, 'completed', {
          ok: 1,
          inner: [
            {
              get boom() {
                throw new Error('getter exploded');
              },
            },
          ],
        }),
      { cls: TypeError, startsWith: 'Invalid result', includes: 'getter exploded' },
    );
    assert.ok(err);
    assert.equal((await store.getTask(other.taskId)).status, 'working');
  });

  test('results: 64 levels of nesting are accepted, deeper ones rejected without a stack overflow', async (t) => {
    const store = makeStore(t);
    const nest = (depth) => {
      let v = { leaf: true };
      for (let i = 1; i < depth; i++) v = { v };
      return v;
    };
    const ok = await store.createTask({}, 1, REQ);
    await store.storeTaskResult(ok.taskId, 'completed', nest(64));
    assert.equal(JSON.stringify(await store.getTaskResult(ok.taskId)), JSON.stringify(nest(64)));
    const deep = await store.createTask({}, 2, REQ);
    await rejectsWith(() => store.storeTaskResult(deep.taskId, 'completed', nest(100_000)), {
      cls: [TypeError, RangeError],
      startsWith: 'Invalid result.v.v.v',
    });
    assert.equal((await store.getTask(deep.taskId)).status, 'working');
  });

  // ---------------------------------------------------------------- bad input

  /**
   * Every bad call below must: return a Promise (no synchronous throw) that rejects with an
   * Error of the given class, numeric `code` -32602, a message starting "Invalid " that names
   * the parameter; leave the store unchanged; and leave it working.
   */
  // See the report: user code that throws inside a wasm-bindgen import called without `catch`
  // unwinds through the wasm frames (no Rust cleanup, shadow stack leaked).
  const EVIL_ERROR_BUG = 'bug: an Error with a throwing `message` getter, thrown by a getter, escapes synchronously (Error.message read without catch) instead of rejecting with -32602';

  /** An Error whose `message` cannot be read. */
  class EvilError extends Error {
    get message() {
      throw new Error('message unreadable');
    }
  }

  function badInputTable() {
    const cyc = { a: 1 };
    cyc.self = cyc;
    const deepCyc = { a: { b: [] } };
    deepCyc.a.b.push(deepCyc);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const T = TypeError;
    const R = RangeError;
    const rows = {
      createTask: [
        ['taskParams undefined', (s) => s.createTask(undefined, 1, REQ), T, 'taskParams'],
        ['taskParams null', (s) => s.createTask(null, 1, REQ), T, 'taskParams'],
        ['taskParams string', (s) => s.createTask('ttl=5', 1, REQ), T, 'taskParams'],
        ['taskParams number', (s) => s.createTask(5, 1, REQ), T, 'taskParams'],
        ['taskParams array', (s) => s.createTask([], 1, REQ), T, 'taskParams'],
        ['ttl NaN', (s) => s.createTask({ ttl: NaN }, 1, REQ), R, 'ttl'],
        ['ttl string', (s) => s.createTask({ ttl: '1000' }, 1, REQ), T, 'ttl'],
        ['ttl boolean', (s) => s.createTask({ ttl: true }, 1, REQ), T, 'ttl'],
        ['ttl object', (s) => s.createTask({ ttl: {} }, 1, REQ), T, 'ttl'],
        ['ttl bigint', (s) => s.createTask({ ttl: 1000n }, 1, REQ), T, 'ttl'],
        ['ttl getter throws', (s) => s.createTask({ get ttl() { throw new Error('no'); } }, 1, REQ), T, 'ttl'],
        ['pollInterval NaN', (s) => s.createTask({ pollInterval: NaN }, 1, REQ), R, 'pollInterval'],
        ['pollInterval string', (s) => s.createTask({ pollInterval: '1000' }, 1, REQ), T, 'pollInterval'],
        ['requestId undefined', (s) => s.createTask({}, undefined, REQ), T, 'requestId'],
        ['requestId null', (s) => s.createTask({}, null, REQ), T, 'requestId'],
        ['requestId object', (s) => s.createTask({}, {}, REQ), T, 'requestId'],
        ['requestId boolean', (s) => s.createTask({}, true, REQ), T, 'requestId'],
        ['requestId NaN', (s) => s.createTask({}, NaN, REQ), [T, R], 'requestId'],
        ['requestId Infinity', (s) => s.createTask({}, Infinity, REQ), [T, R], 'requestId'],
        ['request undefined', (s) => s.createTask({}, 1, undefined), T, 'request'],
        ['request null', (s) => s.createTask({}, 1, null), T, 'request'],
        ['request string', (s) => s.createTask({}, 1, 'tools/call'), T, 'request'],
        ['request array', (s) => s.createTask({}, 1, []), T, 'request'],
        ['taskParams revoked Proxy', (s) => s.createTask(revoked.proxy, 1, REQ), T, 'taskParams'],
        ['sessionId empty', (s) => s.createTask({}, 1, REQ, ''), R, 'sessionId'],
        ['sessionId number', (s) => s.createTask({}, 1, REQ, 5), T, 'sessionId'],
        ['sessionId object', (s) => s.createTask({}, 1, REQ, {}), T, 'sessionId'],
        ['sessionId boolean', (s) => s.createTask({}, 1, REQ, true), T, 'sessionId'],
      ],
      getTask: [
        ['taskId undefined', (s) => s.getTask(undefined), T, 'taskId'],
        ['taskId null', (s) => s.getTask(null), T, 'taskId'],
        ['taskId number', (s) => s.getTask(5), T, 'taskId'],
        ['taskId object', (s) => s.getTask({}), T, 'taskId'],
        ['taskId String object', (s, ids) => s.getTask(new String(ids.working)), T, 'taskId'],
        ['taskId revoked Proxy', (s) => s.getTask(revoked.proxy), T, 'taskId'],
        ['sessionId empty', (s, ids) => s.getTask(ids.working, ''), R, 'sessionId'],
        ['sessionId number', (s, ids) => s.getTask(ids.working, 5), T, 'sessionId'],
      ],
      updateTaskStatus: [
        ['taskId number', (s) => s.updateTaskStatus(5, 'working'), T, 'taskId'],
        ['taskId undefined', (s) => s.updateTaskStatus(undefined, 'working'), T, 'taskId'],
        ['status unknown', (s, ids) => s.updateTaskStatus(ids.working, 'done'), R, 'status'],
        ['status wrong case', (s, ids) => s.updateTaskStatus(ids.working, 'WORKING'), R, 'status'],
        ['status dashed', (s, ids) => s.updateTaskStatus(ids.working, 'input-required'), R, 'status'],
        ['status empty', (s, ids) => s.updateTaskStatus(ids.working, ''), R, 'status'],
        ['status undefined', (s, ids) => s.updateTaskStatus(ids.working, undefined), T, 'status'],
        ['status null', (s, ids) => s.updateTaskStatus(ids.working, null), T, 'status'],
        ['status number', (s, ids) => s.updateTaskStatus(ids.working, 1), T, 'status'],
        ['statusMessage number', (s, ids) => s.updateTaskStatus(ids.working, 'working', 5), T, 'statusMessage'],
        ['statusMessage object', (s, ids) => s.updateTaskStatus(ids.working, 'working', {}), T, 'statusMessage'],
        ['statusMessage boolean', (s, ids) => s.updateTaskStatus(ids.working, 'working', true), T, 'statusMessage'],
        ['statusMessage on a terminal move', (s, ids) => s.updateTaskStatus(ids.working, 'failed', ['x']), T, 'statusMessage'],
        ['sessionId empty', (s, ids) => s.updateTaskStatus(ids.working, 'cancelled', undefined, ''), R, 'sessionId'],
        ['sessionId number', (s, ids) => s.updateTaskStatus(ids.working, 'cancelled', undefined, 7), T, 'sessionId'],
      ],
      storeTaskResult: [
        ['taskId number', (s) => s.storeTaskResult(5, 'completed', {}), T, 'taskId'],
        ['status working', (s, ids) => s.storeTaskResult(ids.working, 'working', {}), R, 'status'],
        ['status input_required', (s, ids) => s.storeTaskResult(ids.working, 'input_required', {}), R, 'status'],
        ['status cancelled', (s, ids) => s.storeTaskResult(ids.working, 'cancelled', {}), R, 'status'],
        ['status unknown', (s, ids) => s.storeTaskResult(ids.working, 'done', {}), R, 'status'],
        ['status undefined', (s, ids) => s.storeTaskResult(ids.working, undefined, {}), T, 'status'],
        ['status number', (s, ids) => s.storeTaskResult(ids.working, 0, {}), T, 'status'],
        ['result undefined', (s, ids) => s.storeTaskResult(ids.working, 'completed', undefined), T, 'result'],
        ['result null', (s, ids) => s.storeTaskResult(ids.working, 'completed', null), T, 'result'],
        ['result string', (s, ids) => s.storeTaskResult(ids.working, 'completed', '{}'), T, 'result'],
        ['result number', (s, ids) => s.storeTaskResult(ids.working, 'completed', 42), T, 'result'],
        ['result boolean', (s, ids) => s.storeTaskResult(ids.working, 'completed', true), T, 'result'],
        ['result array', (s, ids) => s.storeTaskResult(ids.working, 'completed', []), T, 'result'],
        ['result function', (s, ids) => s.storeTaskResult(ids.working, 'completed', () => ({})), T, 'result'],
        ['result Date', (s, ids) => s.storeTaskResult(ids.working, 'completed', new Date()), T, 'result'],
        ['result.a bigint', (s, ids) => s.storeTaskResult(ids.working, 'completed', { a: 10n }), T, 'result.a'],
        ['result.a[1].b bigint', (s, ids) => s.storeTaskResult(ids.working, 'completed', { a: [1, { b: 1n }] }), T, 'result.a[1].b'],
        ['result toJSON gives a string', (s, ids) => s.storeTaskResult(ids.working, 'completed', { toJSON: () => 'x' }), T, 'result'],
        ['result cycle', (s, ids) => s.storeTaskResult(ids.working, 'completed', cyc), T, 'result.self'],
        ['result deep cycle', (s, ids) => s.storeTaskResult(ids.working, 'completed', deepCyc), T, 'result.a.b[0]'],
        ['result getter throws', (s, ids) => s.storeTaskResult(ids.working, 'completed', { get a() { throw new Error('boom'); } }), T, 'boom'],
        ['result Proxy ownKeys throws', (s, ids) => s.storeTaskResult(ids.working, 'completed', new Proxy({}, { ownKeys() { throw new Error('no keys'); } })), T, 'result'],
        ['result Proxy getPrototypeOf throws', (s, ids) => s.storeTaskResult(ids.working, 'completed', { p: new Proxy({}, { getPrototypeOf() { throw new Error('no proto'); } }) }), T, 'result'],
        ['result.p revoked Proxy', (s, ids) => s.storeTaskResult(ids.working, 'completed', { p: revoked.proxy }), T, 'result'],
        ['result revoked Proxy', (s, ids) => s.storeTaskResult(ids.working, 'completed', revoked.proxy), T, 'result'],
        ['result getter throws a revoked Proxy', (s, ids) => s.storeTaskResult(ids.working, 'completed', { get a() { throw revoked.proxy; } }), T, 'result'],
        ['result getter throws an Error whose message getter throws', (s, ids) => s.storeTaskResult(ids.working, 'completed', { get a() { throw new EvilError(); } }), T, 'result', EVIL_ERROR_BUG],
        ['sessionId empty', (s, ids) => s.storeTaskResult(ids.working, 'completed', {}, ''), R, 'sessionId'],
        ['sessionId number', (s, ids) => s.storeTaskResult(ids.working, 'completed', {}, 1), T, 'sessionId'],
      ],
      getTaskResult: [
        ['taskId undefined', (s) => s.getTaskResult(undefined), T, 'taskId'],
        ['taskId number', (s) => s.getTaskResult(5), T, 'taskId'],
        ['taskId array', (s, ids) => s.getTaskResult([ids.done]), T, 'taskId'],
        ['sessionId empty', (s, ids) => s.getTaskResult(ids.done, ''), R, 'sessionId'],
        ['sessionId object', (s, ids) => s.getTaskResult(ids.done, {}), T, 'sessionId'],
      ],
      listTasks: [
        ['cursor number', (s) => s.listTasks(5), T, 'cursor'],
        ['cursor object', (s) => s.listTasks({}), T, 'cursor'],
        ['cursor boolean', (s) => s.listTasks(true), T, 'cursor'],
        ['sessionId empty', (s) => s.listTasks(undefined, ''), R, 'sessionId'],
        ['sessionId number', (s) => s.listTasks(undefined, 3), T, 'sessionId'],
      ],
    };
    return rows;
  }

  async function badInputFixture(t) {
    const store = makeStore(t);
    const working = (await store.createTask({ ttl: 3_600_000 }, 1, REQ, 'A')).taskId;
    const asking = (await store.createTask({}, 2, REQ)).taskId;
    await store.updateTaskStatus(asking, 'input_required', 'what?');
    const done = (await store.createTask({}, 3, REQ)).taskId;
    await store.storeTaskResult(done, 'completed', { content: [{ type: 'text', text: 'ok' }] });
    return { store, ids: { working, asking, done } };
  }

  async function snapshot(store, ids) {
    const all = await store.getAllTasks();
    return { all, size: all.length, result: await store.getTaskResult(ids.done) };
  }

  for (const [method, rows] of Object.entries(badInputTable())) {
    test(`bad input: ${method} rejects (Promise) with TypeError/RangeError, code -32602, the parameter named, state unchanged`, async (t) => {
      for (const [name, call, cls, param] of rows) {
        // A fresh store per row, so a row that breaks its store cannot fail the next ones.
        const { store, ids } = await badInputFixture(t);
        await t.test(name, async () => {
          const before = await snapshot(store, ids);
          const err = await rejectsWith(() => call(store, ids), { cls, code: -32602, startsWith: 'Invalid ', includes: param });
          assert.ok(err.message.length < 600, `overlong message: ${err.message.length} chars`);
          assert.deepStrictEqual(await snapshot(store, ids), before, 'the bad call changed the store');
          // Still working (no wasm trap, no poisoned borrow).
          assert.equal((await store.getTask(ids.working)).status, 'working');
          assert.equal((await store.listTasks()).tasks.length, 3);
          const extra = await store.createTask({}, 9, REQ);
          await store.storeTaskResult(extra.taskId, 'completed', { fine: true });
          assert.deepEqual(await store.getTaskResult(extra.taskId), { fine: true });
        });
      }
    });
  }

  test('a revoked Proxy as taskId is rejected (-32602) and leaves the store usable', async (t) => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const calls = {
      getTask: (s) => s.getTask(revoked.proxy),
      updateTaskStatus: (s) => s.updateTaskStatus(revoked.proxy, 'working'),
      storeTaskResult: (s) => s.storeTaskResult(revoked.proxy, 'completed', {}),
      getTaskResult: (s) => s.getTaskResult(revoked.proxy),
    };
    const failures = [];
    for (const [method, call] of Object.entries(calls)) {
      const store = makeStore(t);
      const { taskId } = await store.createTask({}, 1, REQ);
      try {
        await rejectsWith(() => call(store), { cls: TypeError, code: -32602, includes: 'taskId' });
      } catch (err) {
        failures.push(`${method}: ${err.message}`);
      }
      try {
        assert.equal((await store.getTask(taskId)).taskId, taskId);
        await store.cleanup();
      } catch (err) {
        failures.push(`${method}: store unusable afterwards: ${err.message}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test('errors are real Error instances with a numeric code, a stack, and no wasm internals', async (t) => {
    const store = makeStore(t);
    const errors = [];
    for (const call of [() => store.getTaskResult('nope'), () => store.listTasks('bad'), () => store.createTask({ ttl: NaN }, 1, REQ)]) {
      await call().catch((e) => errors.push(e));
    }
    assert.equal(errors.length, 3);
    for (const err of errors) {
      checkError(err, { cls: [Error, RangeError] });
      assert.equal(typeof err.stack, 'string');
      assert.doesNotMatch(err.message, /wasm|unreachable|panicked|RuntimeError/i);
    }
  });

  test('robustness: 20000 rejected calls (caught errors) leave the store working', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    const selfRef = { a: {} };
    selfRef.a.b = selfRef;
    const bad = [
      { a: [1, { b: 1n }] },
      {
        get a() {
          throw new Error('x');
        },
      },
      new Proxy({}, {
        ownKeys() {
          throw new Error('k');
        },
      }),
      selfRef,
    ];
    let rejections = 0;
    for (let i = 0; i < 10_000; i++) {
      await store.storeTaskResult(taskId, 'completed', bad[i % bad.length]).catch(() => (rejections += 1));
      await store.createTask({ ttl: NaN }, 1, REQ).catch(() => (rejections += 1));
    }
    assert.equal(rejections, 20_000);
    assert.equal((await store.getAllTasks()).length, 1);
    for (let i = 0; i < 20; i++) {
      const task = await store.createTask({ ttl: 60_000 }, i, REQ);
      await store.storeTaskResult(task.taskId, 'completed', { text: 'y'.repeat(100) });
      assert.equal((await store.getTaskResult(task.taskId)).text.length, 100);
    }
  });

  test('limits: maxTasks, maxTasksPerSession, maxResultBytes, maxQueueSize reject with -32603 and lose nothing', async (t) => {
    const store = makeStore(t, { maxTasks: 3, maxTasksPerSession: 2, maxResultBytes: 200, maxQueueSize: 2 });
    const a = await store.createTask({}, 1, REQ, 'A');
    await store.createTask({}, 2, REQ, 'A');
    await rejectsWith(() => store.createTask({}, 3, REQ, 'A'), { cls: Error, code: -32603, startsWith: 'Task limit reached: this session', includes: 'options.maxTasksPerSession' });
    await store.createTask({}, 4, REQ, 'B');
    await rejectsWith(() => store.createTask({}, 5, REQ), { cls: Error, code: -32603, startsWith: 'Task limit reached: the store', includes: 'options.maxTasks' });
    assert.equal((await store.getAllTasks()).length, 3);
    const big = { content: [{ type: 'text', text: 'x'.repeat(300) }] };
    await rejectsWith(() => store.storeTaskResult(a.taskId, 'completed', big, 'A'), { cls: Error, code: -32603, startsWith: 'Result too large', includes: 'options.maxResultBytes' });
    assert.equal((await store.getTask(a.taskId, 'A')).status, 'working', 'the task is unchanged');
    await store.storeTaskResult(a.taskId, 'completed', { content: [{ type: 'text', text: 'x'.repeat(100) }] }, 'A');
    const queue = store.messageQueue();
    const message = { type: 'notification', message: { jsonrpc: '2.0', method: 'm' }, timestamp: 1 };
    await queue.enqueue(a.taskId, message, 'A');
    await queue.enqueue(a.taskId, message, 'A');
    await rejectsWith(() => queue.enqueue(a.taskId, message, 'A'), { cls: Error, code: -32603, startsWith: 'Task message queue overflow' });
    await rejectsWith(() => queue.enqueue(a.taskId, message, 'A', 100), { cls: Error, code: -32603, startsWith: 'Task message queue overflow' });
    assert.equal((await queue.dequeueAll(a.taskId, 'A')).length, 2);
    const unlimited = makeStore(t, { maxTasks: Infinity, maxTasksPerSession: Infinity });
    for (let i = 0; i < 5; i++) await unlimited.createTask({}, i, REQ, 'A');
    assert.equal((await unlimited.getAllTasks()).length, 5);
  });
}
