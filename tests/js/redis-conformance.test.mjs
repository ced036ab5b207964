// RedisTaskStore against the rules every store shows (tests/js/conformance/*-rules.mjs, the
// same test bodies store.test.mjs, queue.test.mjs and events.test.mjs run against
// InMemoryTaskStore), with each client library it takes: node-redis v5 and ioredis v5. One
// redis-server (loopback, random port, no persistence) for the file; every test's store has
// a key prefix of its own and is closed when the test ends. Then what only RedisTaskStore has.
import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisTaskStore, RedisTaskMessageQueue } from 'mcp-task-store-wasm/redis';
import { startRedis } from './fixtures/redis-server.mjs';
import { CLIENT_KINDS, connect, close } from './fixtures/redis-clients.mjs';
import { REQ, checkError, rejectsWith, throwsWith, waitFor } from './fixtures/util.mjs';
import { storeRules } from './conformance/store-rules.mjs';
import { queueRules } from './conformance/queue-rules.mjs';
import { eventRules } from './conformance/event-rules.mjs';

const server = await startRedis();
after(() => server.stop());

/**
 * Resolves once `store`'s listeners receive changes. RedisTaskStore subscribes to its channel
 * when the first listener, watch or wait appears, but onStatusChange() and watch() cannot be
 * awaited; a wait can, and it resolves (here: rejects, the task being unknown) only after the
 * subscription is in place. (See 'a listener added right before a change receives it'.)
 */
async function listening(store) {
  await store.waitForUpdate(randomUUID(), { timeout: 0 }).catch(() => {});
}

/** Time for an event that must not come to arrive anyway (a pub/sub round trip on loopback is well under this). */
const settle = () => sleep(100);

for (const kind of CLIENT_KINDS) {
  describe(`RedisTaskStore with ${kind}`, () => {
    let client;
    const stores = new Set();
    before(async () => {
      client = await connect(kind, server.url);
    });
    after(async () => {
      // Stores of a test that timed out were not closed by it (their waits still pending).
      for (const store of stores) await store.close();
      await close(client);
    });

    /** A store over a key prefix of its own, closed when the test ends. */
    function makeStore(t, options) {
      const store = new RedisTaskStore({ ...options, client, keyPrefix: `t:${randomUUID()}:` });
      stores.add(store);
      t.after(() => store.close());
      return store;
    }

    // A wait that never ends fails its test after 20 s instead of holding the run.
    const timed = (name, fn) => test(name, { timeout: 20_000 }, fn);
    storeRules(timed, { makeStore, inMemory: false });
    queueRules(timed, { makeStore, MessageQueue: RedisTaskMessageQueue, inMemory: false });
    eventRules(timed, { makeStore, inMemory: false, listening, settle });
  });
}
