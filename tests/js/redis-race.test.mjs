// A race across processes, 1,000 times: process A cancels a task (cancelTask, as tasks/cancel
// does) while process B completes it (storeTaskResult 'completed'), both released at the same
// moment. Each round exactly one wins, the loser gets the store's rule error (-32602, not a
// lost-race -32603), the terminal status stays final, and a result exists iff the task
// completed. A uses node-redis, B ioredis; both share one redis-server and key prefix.
import test from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { RedisTaskStore } from 'mcp-task-store-wasm/redis';
import { startRedis } from './fixtures/redis-server.mjs';
import { connect, close } from './fixtures/redis-clients.mjs';
import { REQ } from './fixtures/util.mjs';

const ROUNDS = 1000;
const WORKER = fileURLToPath(new URL('./fixtures/redis-race-worker.mjs', import.meta.url));

/** A worker process, with `call(id)` resolving to its reply for that task. */
async function worker(t, url, keyPrefix, kind, move) {
  const child = fork(WORKER, [url, keyPrefix, kind, move], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let onBye;
  const bye = new Promise((resolve) => (onBye = resolve));
  child.on('message', (message) => {
    if (message.bye) onBye(message);
    else if (message.id !== undefined) {
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    }
  });
  const [ready] = await once(child, 'message');
  assert.deepEqual(ready, { ready: true });
  t.after(() => child.kill());
  return {
    call(id) {
      return new Promise((resolve) => {
        pending.set(id, resolve);
        child.send({ id });
      });
    },
    async stop() {
      child.send('exit');
      const [{ roundTrips }, [code]] = await Promise.all([bye, once(child, 'exit')]);
      return { roundTrips, code };
    },
  };
}

test(`cancel on process A against complete on process B, ${ROUNDS} times: exactly one wins, the end is final, a result iff completed`, { timeout: 170_000 }, async (t) => {
  const server = await startRedis();
  t.after(() => server.stop());
  const keyPrefix = `race:${randomUUID()}:`;
  const client = await connect('node-redis', server.url);
  t.after(() => close(client));
  const store = new RedisTaskStore({ client, keyPrefix });
  t.after(() => store.close());
  const [a, b] = await Promise.all([
    worker(t, server.url, keyPrefix, 'node-redis', 'cancel'),
    worker(t, server.url, keyPrefix, 'ioredis', 'complete'),
  ]);

  const wins = { cancel: 0, complete: 0 };
  const problems = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { taskId } = await store.createTask({ ttl: 600_000 }, round, REQ);
    // The two moves are sent in the same turn, A's first in odd rounds and B's in even ones.
    const calls = round % 2 ? [a.call(taskId), b.call(taskId)] : [b.call(taskId), a.call(taskId)].reverse();
    const [cancel, complete] = await Promise.all(calls);
    if (cancel.ok === complete.ok) {
      problems.push(`round ${round}: cancel ${cancel.ok ? 'won' : `lost (${cancel.message})`}, complete ${complete.ok ? 'won' : `lost (${complete.message})`}`);
      continue;
    }
    const loser = cancel.ok ? complete : cancel;
    if (loser.code !== -32602) problems.push(`round ${round}: the loser failed with ${loser.code}: ${loser.message}`);
    const expectedLoss = cancel.ok
      ? `Cannot store result for task ${taskId} in terminal status 'cancelled'`
      : 'Cannot cancel task in terminal status: completed';
    if (!loser.message.startsWith(expectedLoss)) problems.push(`round ${round}: the loser's error: ${loser.message}`);
    const winner = cancel.ok ? 'cancel' : 'complete';
    wins[winner] += 1;
    const task = await store.getTask(taskId);
    const status = winner === 'cancel' ? 'cancelled' : 'completed';
    if (task?.status !== status) problems.push(`round ${round}: ${winner} won, the task is ${task?.status}`);
    const result = await store.getTaskResult(taskId).then((r) => ({ r }), (e) => ({ e }));
    if (winner === 'complete' && result.r?.content?.[0]?.text !== 'done') problems.push(`round ${round}: completed without its result: ${result.e?.message}`);
    if (winner === 'cancel' && !result.e?.message.startsWith(`Task ${taskId} has no result stored`)) {
      problems.push(`round ${round}: cancelled, yet getTaskResult gave ${JSON.stringify(result.r ?? result.e?.message)}`);
    }
    // Final: no later move changes it.
    const again = await store.updateTaskStatus(taskId, 'working').then(() => 'accepted', (e) => e.code);
    if (again !== -32602) problems.push(`round ${round}: a move after the end was ${again}`);
  }
  const [ra, rb] = await Promise.all([a.stop(), b.stop()]);
  const summary = `${ROUNDS} rounds: cancel (A, node-redis) won ${wins.cancel}, complete (B, ioredis) won ${wins.complete}; ` +
    `round trips A ${ra.roundTrips}, B ${rb.roundTrips}`;
  t.diagnostic(summary);
  console.log(`redis-race: ${summary}`);
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
  assert.equal(wins.cancel + wins.complete, ROUNDS);
  assert.deepEqual([ra.code, rb.code], [0, 0], 'a worker did not exit by itself after close()');
  // Every task is still there, terminal, exactly as the rounds left it.
  const all = await store.getAllTasks();
  assert.equal(all.length, ROUNDS);
  assert.equal(all.filter((x) => x.status === 'cancelled').length, wins.cancel);
  assert.equal(all.filter((x) => x.status === 'completed').length, wins.complete);
});
