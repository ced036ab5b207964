// The fast path of getTask / getTaskResult (pkg-template/guard.mjs) against the core: random
// operations, sessions and clock jumps in both directions, with the store's timer firing or
// not, and every read answered both ways. The core's answer is forced by setting the
// published horizon `h` to -Infinity for one call (the fast path then never answers).
import test from 'node:test';
import assert from 'node:assert/strict';
import { InMemoryTaskStore } from 'mcp-task-store-wasm';
import { REQ, fakeClock } from './fixtures/util.mjs';

/** A small deterministic generator (xorshift32), so a failure can be replayed by its seed. */
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

const SESSIONS = [undefined, 'a', 'b', null, ''];
const STATUSES = ['working', 'input_required', 'completed', 'failed', 'cancelled'];

/** Settles a call into a comparable outcome: the value, or the error's name, code and message. */
async function outcome(call) {
  try {
    return { ok: await call() };
  } catch (error) {
    return { error: { name: error.name, code: error.code, message: error.message } };
  }
}

test('fast path: getTask and getTaskResult answer exactly as the core, over random operations and clock jumps', async (t) => {
  const clock = fakeClock(t);
  const seed = Number(process.env.FAST_PATH_SEED ?? 20261204);
  const rnd = random(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const store = new InMemoryTaskStore({ pageSize: 5 });
  t.after(() => store.cleanup());
  const fast = store.__fastReads();
  const ids = [];
  let reads = 0;
  let fastAnswers = 0;

  /** The core's answer: one call with the fast path shut. */
  async function viaCore(call) {
    const saved = fast.h;
    fast.h = -Infinity;
    try {
      return await outcome(call);
    } finally {
      // The call may have published a new horizon; otherwise the old one stands.
      if (fast.h === -Infinity) fast.h = saved;
    }
  }

  for (let step = 0; step < 20_000; step++) {
    const r = rnd();
    const session = pick(SESSIONS);
    const id = ids.length > 0 && rnd() < 0.95 ? pick(ids) : 'unknown-id';
    if (r < 0.15) {
      const ttl = pick([undefined, null, 5, 50, 500, 60_000]);
      const created = await outcome(() => store.createTask({ ttl }, step, REQ, session));
      if (created.ok) ids.push(created.ok.taskId);
    } else if (r < 0.3) {
      await outcome(() => store.updateTaskStatus(id, pick(STATUSES), pick([undefined, `m${step}`, '', 'same']), session));
    } else if (r < 0.4) {
      const message = pick([undefined, `s${step}`, '', 'same']);
      await outcome(() => store.storeTaskResult(id, pick(['completed', 'failed']), { content: [{ type: 'text', text: `r${step}` }] }, session, message));
    } else if (r < 0.43) {
      await outcome(() => store.cancelTask(id, session));
    } else if (r < 0.45) {
      await outcome(() => store.deleteTask(id, session));
    } else if (r < 0.5) {
      // The clock jumps, forward or back; sometimes the store's timer gets to run.
      clock.advance(pick([1, 4, 20, 100, 1_000, -3, -50, -1_000]));
      if (rnd() < 0.3) await new Promise((resolve) => setTimeout(resolve, 1));
    } else {
      const forTask = rnd() < 0.6;
      const read = forTask ? (s) => store.getTask(id, s) : (s) => store.getTaskResult(id, s);
      const entry = fast.index.get(id);
      const fastMay = entry !== undefined && entry.owner === session && Date.now() < fast.h;
      // The fast answer first (it must not change anything the core then sees), then the core's.
      const mine = await outcome(() => read(session));
      const core = await viaCore(() => read(session));
      reads += 1;
      if (fastMay && (forTask || entry.result !== undefined)) fastAnswers += 1;
      assert.deepEqual(mine, core, `step ${step} (seed ${seed}): ${id} for session ${String(session)} at ${clock.now}`);
    }
  }
  // The comparison means something only if the fast path answered a good share of the reads.
  t.diagnostic(`the fast path could answer ${fastAnswers} of ${reads} reads`);
  assert.ok(fastAnswers > reads / 20, `the fast path answered ${fastAnswers} of ${reads} reads`);
});

test('fast path: a freed store rejects reads (no answer from what it had published)', async () => {
  const store = new InMemoryTaskStore();
  const task = await store.createTask({}, 1, REQ);
  await store.getTask(task.taskId);
  store.free();
  await assert.rejects(store.getTask(task.taskId), { code: -32602, name: 'TypeError' });
  await assert.rejects(store.getTaskResult(task.taskId), { code: -32602, name: 'TypeError' });
});

test('fast path: what a reader gets is its own copy (mutating it changes nothing stored)', async () => {
  const store = new InMemoryTaskStore();
  const task = await store.createTask({}, 1, REQ, 's');
  await store.storeTaskResult(task.taskId, 'completed', { content: [{ type: 'text', text: 'x' }] }, 's');
  const first = await store.getTask(task.taskId, 's');
  first.status = 'working';
  const result = await store.getTaskResult(task.taskId, 's');
  result.content[0].text = 'changed';
  assert.equal((await store.getTask(task.taskId, 's')).status, 'completed');
  assert.equal((await store.getTaskResult(task.taskId, 's')).content[0].text, 'x');
  store.cleanup();
});
