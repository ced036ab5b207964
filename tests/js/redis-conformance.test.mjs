// RedisTaskStore against the rules every store shows (tests/js/conformance/*-rules.mjs, the
// same test bodies store.test.mjs, queue.test.mjs and events.test.mjs run against
// InMemoryTaskStore), with each client library it takes: node-redis v5 and ioredis v5. One
// redis-server (loopback, random port, no persistence) for the file; every test's store has
// a key prefix of its own and is closed when the test ends. Then what only RedisTaskStore has.
import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { RedisTaskStore, RedisTaskMessageQueue } from 'mcp-task-store-wasm/redis';
import { startRedis } from './fixtures/redis-server.mjs';
import { CLIENT_KINDS, connect, close } from './fixtures/redis-clients.mjs';
import { REQ, checkError, rejectsWith, throwsWith, waitFor } from './fixtures/util.mjs';
import { storeRules } from './conformance/store-rules.mjs';
import { queueRules } from './conformance/queue-rules.mjs';

const server = await startRedis();
after(() => server.stop());

for (const kind of CLIENT_KINDS) {
  describe(`RedisTaskStore with ${kind}`, () => {
    let client;
    before(async () => {
      client = await connect(kind, server.url);
    });
    after(() => close(client));

    /** A store over a key prefix of its own, closed when the test ends. */
    function makeStore(t, options) {
      const store = new RedisTaskStore({ ...options, client, keyPrefix: `t:${randomUUID()}:` });
      t.after(() => store.close());
      return store;
    }

    storeRules(test, { makeStore, inMemory: false });
    queueRules(test, { makeStore, MessageQueue: RedisTaskMessageQueue, inMemory: false });
  });
}
