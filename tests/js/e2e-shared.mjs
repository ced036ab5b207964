// Shared by the end-to-end tests (e2e-inmemory.test.mjs, e2e-http.test.mjs): a real
// @modelcontextprotocol/sdk McpServer whose TaskStore and TaskMessageQueue come from
// mcp-task-store-wasm, its task tools, a client factory, and the scenarios both transports run.
// No mocks: every request goes through the SDK's Client, Protocol layer and McpServer.

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  ElicitRequestSchema,
  RELATED_TASK_META_KEY,
} from '@modelcontextprotocol/sdk/types.js';
import { InMemoryTaskStore } from 'mcp-task-store-wasm';

/** What every test server declares: tasks/list, tasks/cancel, and task-augmented tools/call. */
export const TASK_CAPABILITIES = { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } };

/** Polls come fast in tests: the store's default pollInterval, used by the client's callToolStream. */
export const POLL_MS = 20;

/** A fresh store for one test (minTtl 0 so short ttls are kept as asked). */
export function newStore(options = {}) {
  return new InMemoryTaskStore({ minTtl: 0, defaultPollInterval: POLL_MS, pageSize: 10, ...options });
}

/**
 * What the background work of each task ended with, by taskId: `{ stored: true, status, result }`
 * when the store took its result, `{ stored: false, error }` when the store refused it (e.g. the task
 * was cancelled first). Tests await `work.done(taskId)`.
 */
export class WorkLog {
  #done = new Map();
  record(taskId, promise) {
    this.#done.set(taskId, promise);
  }
  /** @returns {Promise<{stored: boolean, status?: string, result?: object, error?: any}>} */
  done(taskId) {
    const p = this.#done.get(taskId);
    assert.ok(p, `no work was started for task ${taskId}`);
    return p;
  }
  get size() {
    return this.#done.size;
  }
  /** Waits for every piece of work started so far (so no timer outlives a test). */
  async settle() {
    await Promise.allSettled([...this.#done.values()]);
  }
}

const text = (t) => ({ content: [{ type: 'text', text: t }] });

/**
 * Creates the task in the store, answers tools/call with CreateTaskResult at once, and runs `work`
 * in the background. The work's CallToolResult is stored as `failed` if it has `isError: true`,
 * else `completed` (a thrown error becomes an isError result).
 */
async function startTask(extra, work, log) {
  const { taskStore } = extra;
  const task = await taskStore.createTask({ ttl: extra.taskRequestedTtl });
  const done = (async () => {
    let result;
    try {
      result = await work(task.taskId, taskStore);
    } catch (err) {
      result = { ...text(`Error: ${err?.message ?? err}`), isError: true };
    }
    const status = result.isError ? 'failed' : 'completed';
    try {
      await taskStore.storeTaskResult(task.taskId, status, result);
      return { stored: true, status, result };
    } catch (error) {
      return { stored: false, error };
    }
  })();
  log.record(task.taskId, done);
  return { task };
}

/** The handler triple registerToolTask wants; getTask/getTaskResult read the request-scoped store. */
function taskHandler(log, work) {
  return {
    createTask: (args, extra) => startTask(extra, (taskId, taskStore) => work(args, taskId, taskStore), log),
    getTask: (_args, { taskId, taskStore }) => taskStore.getTask(taskId),
    getTaskResult: (_args, { taskId, taskStore }) => taskStore.getTaskResult(taskId),
  };
}

/**
 * A real McpServer wired to our store, with these task tools (taskSupport 'required'):
 * - `echo {text}`: completes at once with the text.
 * - `maybe-task {text}`: like echo after 60 ms, with taskSupport 'optional' (plain tools/call works too);
 *   its result has an `undefined` property, as TypeScript handlers' results often do.
 * - `countdown {from, stepMs}`: reports `working` with a status message per step, then completes.
 * - `slow {ms}`: completes after `ms` (used to cancel a task whose work finishes later).
 * - `confirm {question, timeoutMs?}`: goes `input_required`, sends `elicitation/create` through the
 *   task's message queue (relatedTask), and completes with the answer (fails if none comes in timeoutMs).
 * - `flaky {reason}`: returns a CallToolResult with `isError: true`, so the task ends `failed`.
 */
export function createTaskServer({ store, queue, log, name = 'e2e-task-server' }) {
  const server = new McpServer(
    { name, version: '1.0.0' },
    { capabilities: TASK_CAPABILITIES, taskStore: store, taskMessageQueue: queue },
  );
  const tasks = server.experimental.tasks;

  tasks.registerToolTask(
    'echo',
    { description: 'Completes at once with the given text', inputSchema: { text: z.string() } },
    taskHandler(log, async ({ text: t }) => text(t)),
  );

  tasks.registerToolTask(
    'maybe-task',
    {
      description: "Echo with taskSupport 'optional': a task if asked, else the SDK polls the task itself",
      inputSchema: { text: z.string() },
      execution: { taskSupport: 'optional' },
    },
    taskHandler(log, async ({ text: t }) => {
      await sleep(60);
      return { ...text(t), structuredContent: undefined };
    }),
  );

  tasks.registerToolTask(
    'countdown',
    {
      description: 'Counts down, one status message per step',
      inputSchema: { from: z.number().int().min(1).max(20), stepMs: z.number().int().min(0).max(2000) },
    },
    taskHandler(log, async ({ from, stepMs }, taskId, taskStore) => {
      for (let i = from; i >= 1; i--) {
        await taskStore.updateTaskStatus(taskId, 'working', `T-${i}`);
        await sleep(stepMs);
      }
      return text(`liftoff after ${from} steps`);
    }),
  );

  tasks.registerToolTask(
    'slow',
    { description: 'Completes after ms milliseconds', inputSchema: { ms: z.number().int().min(0).max(10_000) } },
    taskHandler(log, async ({ ms }) => {
      await sleep(ms);
      return text(`slept ${ms} ms`);
    }),
  );

  tasks.registerToolTask(
    'confirm',
    {
      description: 'Asks the user to confirm, via elicitation',
      inputSchema: { question: z.string(), timeoutMs: z.number().int().min(1).optional() },
    },
    taskHandler(log, async ({ question, timeoutMs }, taskId, taskStore) => {
      await taskStore.updateTaskStatus(taskId, 'input_required', 'waiting for the user to answer');
      // relatedTask: the request is queued in the task's message queue and delivered to the client
      // on its tasks/result stream, not sent directly.
      const answer = await server.server.elicitInput(
        {
          message: question,
          requestedSchema: {
            type: 'object',
            properties: { confirm: { type: 'boolean', title: 'Confirm' } },
            required: ['confirm'],
          },
        },
        { relatedTask: { taskId }, timeout: timeoutMs },
      );
      await taskStore.updateTaskStatus(taskId, 'working', `answer: ${answer.action}`);
      if (answer.action !== 'accept') return text(`user chose ${answer.action}`);
      return text(answer.content.confirm ? 'confirmed' : 'not confirmed');
    }),
  );

  tasks.registerToolTask(
    'flaky',
    { description: 'Always fails with isError: true', inputSchema: { reason: z.string() } },
    taskHandler(log, async ({ reason }) => ({ ...text(`flaky failed: ${reason}`), isError: true })),
  );

  return server;
}

/**
 * A real Client that declares form elicitation and answers every elicitation with `answer(params)`
 * (default: accept, confirm: true). Every elicitation request it gets is pushed to `client.elicitations`.
 */
export function createTaskClient({ name = 'e2e-client', answer } = {}) {
  const client = new Client({ name, version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
  client.elicitations = [];
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    client.elicitations.push(request);
    return answer ? answer(request.params) : { action: 'accept', content: { confirm: true } };
  });
  return client;
}

/** Runs callToolStream to its end and returns every message it yielded. */
export async function streamAll(client, name, args, task = { ttl: 60_000 }) {
  const messages = [];
  for await (const m of client.experimental.tasks.callToolStream({ name, arguments: args }, CallToolResultSchema, {
    task,
  })) {
    messages.push(m);
  }
  return messages;
}

/** tools/call as a task, returning the CreateTaskResult's task without polling. */
export async function createTaskCall(client, name, args, task = { ttl: 60_000 }) {
  const r = await client.request(
    { method: 'tools/call', params: { name, arguments: args, task } },
    CreateTaskResultSchema,
  );
  return r.task;
}

/** Resolves with the error a promise rejects with; fails if it resolves. */
export async function rejection(promise, what) {
  try {
    const v = await promise;
    assert.fail(`${what}: expected an error, got ${JSON.stringify(v)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    return err;
  }
}

/** Polls `check` every 10 ms until it returns truthy or `ms` elapse. */
export async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

const TASK_KEYS = ['createdAt', 'lastUpdatedAt', 'pollInterval', 'status', 'statusMessage', 'taskId', 'ttl'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A Task as the spec has it: only its fields, ISO timestamps. */
export function assertTaskShape(task) {
  for (const k of Object.keys(task)) assert.ok(TASK_KEYS.includes(k), `unexpected Task field ${k}`);
  assert.match(task.taskId, /^[0-9a-f-]{36}$/);
  assert.match(task.createdAt, ISO);
  assert.match(task.lastUpdatedAt, ISO);
  assert.equal(typeof task.pollInterval, 'number');
}

const textOf = (result) => result.content.find((c) => c.type === 'text')?.text;

/**
 * The scenarios both transports run. Each gets a fixture
 * `{ client, store, queue, log, sessionId }` made fresh for it (sessionId: what the server's store
 * calls carry for this client, undefined over InMemoryTransport).
 */
export const scenarios = {
  'a registerToolTask tool runs as a task from callToolStream: taskCreated, taskStatus, result': async ({ client }) => {
    const messages = await streamAll(client, 'countdown', { from: 3, stepMs: 30 }, { ttl: 60_000 });
    const types = messages.map((m) => m.type);
    assert.equal(types[0], 'taskCreated');
    assert.equal(types.at(-1), 'result');
    assert.ok(types.slice(1, -1).every((t) => t === 'taskStatus') && types.length >= 3, types.join(','));

    const created = messages[0].task;
    assertTaskShape(created);
    assert.equal(created.status, 'working');
    assert.equal(created.ttl, 60_000);
    assert.equal(created.pollInterval, POLL_MS);

    const statuses = messages.filter((m) => m.type === 'taskStatus').map((m) => m.task);
    for (const t of statuses) {
      assertTaskShape(t);
      assert.equal(t.taskId, created.taskId);
    }
    assert.equal(statuses.at(-1).status, 'completed');
    assert.ok(statuses.slice(0, -1).every((t) => t.status === 'working'));
    // A working task polled during the countdown shows one of its status messages.
    assert.ok(
      statuses.some((t) => /^T-\d$/.test(t.statusMessage ?? '')),
      `no countdown status message seen: ${JSON.stringify(statuses)}`,
    );

    const result = messages.at(-1).result;
    assert.equal(textOf(result), 'liftoff after 3 steps');
    assert.equal(result.isError, undefined);
    assert.deepEqual(result._meta?.[RELATED_TASK_META_KEY], { taskId: created.taskId });
  },

  'tasks/get returns the flat Task the store holds': async ({ client, store, sessionId }) => {
    const task = await createTaskCall(client, 'countdown', { from: 2, stepMs: 40 });
    const seen = await client.experimental.tasks.getTask(task.taskId);
    assertTaskShape(seen);
    assert.equal(seen.taskId, task.taskId);
    assert.equal(seen.createdAt, task.createdAt);
    assert.equal(seen.status, 'working');

    const done = await until(async () => {
      const t = await client.experimental.tasks.getTask(task.taskId);
      return t.status === 'completed' && t;
    }, 3000, 'countdown to complete');
    assert.deepEqual(done, await store.getTask(task.taskId, sessionId));
    assert.ok(done.lastUpdatedAt >= done.createdAt);

    const unknown = await rejection(
      client.experimental.tasks.getTask('00000000-0000-4000-8000-000000000000'),
      'tasks/get of an unknown task',
    );
    assert.equal(unknown.code, -32602);
  },

  'tasks/list pages over 27 tasks: every task exactly once, nextCursor only while more remain': async ({ client, log }) => {
    const created = [];
    for (let i = 0; i < 27; i++) created.push(await createTaskCall(client, 'echo', { text: `#${i}` }));
    const ids = [];
    let cursor;
    let pages = 0;
    do {
      const page = await client.experimental.tasks.listTasks(cursor);
      pages++;
      assert.ok(page.tasks.length <= 10, `page of ${page.tasks.length}`);
      for (const t of page.tasks) assertTaskShape(t);
      ids.push(...page.tasks.map((t) => t.taskId));
      cursor = page.nextCursor;
      if (cursor !== undefined) assert.equal(typeof cursor, 'string');
      assert.ok(pages <= 10, 'too many pages');
    } while (cursor);
    assert.equal(pages, 3);
    assert.equal(new Set(ids).size, ids.length, 'a task was listed twice');
    assert.deepEqual(ids, created.map((t) => t.taskId), 'every task, in creation order');
    await log.settle();

    // A garbage cursor is an invalid-params error.
    const bad = await rejection(client.experimental.tasks.listTasks('not-a-cursor'), 'tasks/list with a bad cursor');
    assert.equal(bad.code, -32602);
  },

  'tasks/result waits for a task that is still working, then returns its result': async ({ client }) => {
    const task = await createTaskCall(client, 'slow', { ms: 200 });
    const t0 = Date.now();
    assert.equal((await client.experimental.tasks.getTask(task.taskId)).status, 'working');
    const result = await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    const waited = Date.now() - t0;
    assert.ok(waited >= 120, `tasks/result answered after ${waited} ms, before the task was done`);
    assert.equal(textOf(result), 'slept 200 ms');
    assert.deepEqual(result._meta?.[RELATED_TASK_META_KEY], { taskId: task.taskId });
    assert.equal((await client.experimental.tasks.getTask(task.taskId)).status, 'completed');
  },

  'tasks/cancel of a running task: cancelled at once, and it stays cancelled when the work finishes': async ({ client, log, store, sessionId }) => {
    const stream = client.experimental.tasks.callToolStream({ name: 'slow', arguments: { ms: 500 } }, CallToolResultSchema, {
      task: { ttl: 60_000 },
    });
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    assert.equal(first.value.type, 'taskCreated');
    const { taskId } = first.value.task;

    // The result of tasks/cancel is the Task (the SDK's handler adds an empty _meta, as results may have).
    const { _meta, ...cancelled } = await client.experimental.tasks.cancelTask(taskId);
    assertTaskShape(cancelled);
    assert.equal(cancelled.taskId, taskId);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal((await client.experimental.tasks.getTask(taskId)).status, 'cancelled');

    // The stream the client was following ends with an error naming the cancellation.
    const rest = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
    assert.equal(rest.at(-1).type, 'error');
    assert.match(rest.at(-1).error.message, /cancelled/);
    assert.equal(rest.filter((m) => m.type === 'taskStatus').at(-1).task.status, 'cancelled');

    // The work finishes later; the store refuses its result and the task stays cancelled.
    const outcome = await log.done(taskId);
    assert.equal(outcome.stored, false, 'the store accepted a result for a cancelled task');
    assert.equal(outcome.error.code, -32602);
    assert.match(outcome.error.message, /cancelled/);
    const after = await client.experimental.tasks.getTask(taskId);
    assert.equal(after.status, 'cancelled');
    assert.equal((await store.getTask(taskId, sessionId)).status, 'cancelled');

    // Cancelling it again: it is terminal now.
    const again = await rejection(client.experimental.tasks.cancelTask(taskId), 'second tasks/cancel');
    assert.equal(again.code, -32602);
  },

  'tasks/cancel of a terminal task is rejected with -32602 and changes nothing': async ({ client }) => {
    const messages = await streamAll(client, 'echo', { text: 'done' });
    const taskId = messages[0].task.taskId;
    assert.equal(messages.at(-1).type, 'result');
    const before = await client.experimental.tasks.getTask(taskId);
    assert.equal(before.status, 'completed');
    const err = await rejection(client.experimental.tasks.cancelTask(taskId), 'tasks/cancel of a completed task');
    assert.equal(err.code, -32602);
    assert.deepEqual(await client.experimental.tasks.getTask(taskId), before);

    const unknown = await rejection(
      client.experimental.tasks.cancelTask('00000000-0000-4000-8000-000000000000'),
      'tasks/cancel of an unknown task',
    );
    assert.equal(unknown.code, -32602);
  },

  'a tool that needs input: input_required, elicitation through the message queue, answer, completed': async ({ client, log, queue }) => {
    const messages = await streamAll(client, 'confirm', { question: 'Deploy to production?' });
    const taskId = messages[0].task.taskId;
    const statuses = messages.filter((m) => m.type === 'taskStatus').map((m) => m.task);
    // callToolStream sees input_required, then calls tasks/result, which delivers the queued request.
    assert.equal(statuses.at(-1).status, 'input_required');
    assert.equal(statuses.at(-1).statusMessage, 'waiting for the user to answer');

    assert.equal(client.elicitations.length, 1);
    const req = client.elicitations[0];
    assert.equal(req.method, 'elicitation/create');
    assert.equal(req.params.message, 'Deploy to production?');
    assert.deepEqual(req.params._meta?.[RELATED_TASK_META_KEY], { taskId });

    assert.equal(messages.at(-1).type, 'result');
    assert.equal(textOf(messages.at(-1).result), 'confirmed');
    const outcome = await log.done(taskId);
    assert.equal(outcome.stored, true);
    const task = await client.experimental.tasks.getTask(taskId);
    assert.equal(task.status, 'completed');
    // Nothing is left in the task's queue.
    assert.equal(await queue.dequeue(taskId), undefined);
  },

  'a tool whose result has isError: true ends failed, and tasks/result returns that result': async ({ client }) => {
    const messages = await streamAll(client, 'flaky', { reason: 'disk full' });
    const taskId = messages[0].task.taskId;
    assert.equal(messages.at(-2).type, 'taskStatus');
    assert.equal(messages.at(-2).task.status, 'failed');
    assert.equal(messages.at(-1).type, 'error');
    assert.match(messages.at(-1).error.message, /failed/);

    assert.equal((await client.experimental.tasks.getTask(taskId)).status, 'failed');
    const result = await client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
    assert.equal(result.isError, true);
    assert.equal(textOf(result), 'flaky failed: disk full');
  },

  'a short-ttl task disappears for the client after its deadline': async ({ client, log }) => {
    const task = await createTaskCall(client, 'echo', { text: 'short-lived' }, { ttl: 150 });
    assert.equal(task.ttl, 150);
    await log.done(task.taskId);
    const alive = await client.experimental.tasks.getTask(task.taskId);
    assert.equal(alive.status, 'completed');
    assert.equal(alive.ttl, 150);
    const t0 = Date.now();

    // The ttl clock restarts when the task ends: it is gone ~150 ms after that, not much later.
    const err = await until(
      () => client.experimental.tasks.getTask(task.taskId).then(() => null, (e) => e),
      3000,
      'the task to expire',
    );
    assert.equal(err.code, -32602);
    assert.ok(Date.now() - t0 < 2000);
    const list = await client.experimental.tasks.listTasks();
    assert.ok(!list.tasks.some((t) => t.taskId === task.taskId), 'an expired task is still listed');
    const res = await rejection(
      client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema),
      'tasks/result of an expired task',
    );
    assert.equal(res.code, -32602);
  },

  'a task that expires while input_required takes its queued elicitation with it': async ({ client, store, queue, log, sessionId }) => {
    // Nobody follows this task, so its elicitation request waits in the queue until the task expires.
    const task = await createTaskCall(client, 'confirm', { question: 'Anyone there?', timeoutMs: 600 }, { ttl: 250 });
    await until(
      async () => (await store.getTask(task.taskId, sessionId))?.status === 'input_required' && queue.queueCount === 1,
      2000,
      'the elicitation to be queued',
    );
    const err = await until(
      () => client.experimental.tasks.getTask(task.taskId).then(() => null, (e) => e),
      3000,
      'the task to expire',
    );
    assert.equal(err.code, -32602);
    assert.equal(queue.queueCount, 0, 'the expired task left its queue behind');
    assert.equal(await queue.dequeue(task.taskId, sessionId), undefined);
    const res = await rejection(
      client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema),
      'tasks/result of the expired task',
    );
    assert.equal(res.code, -32602);
    assert.equal(client.elicitations.length, 0, 'the client got an elicitation of an expired task');
    // The server's elicitation times out; its result has no task to go to.
    const outcome = await log.done(task.taskId);
    assert.equal(outcome.stored, false);
    assert.equal(outcome.error.code, -32602);
  },

  'a tasks/list cursor stays valid when the tasks before it expire': async ({ client, log }) => {
    const doomed = [];
    // 600 ms: long enough to list the first page even on a loaded machine, short enough to wait for.
    for (let i = 0; i < 10; i++) doomed.push(await createTaskCall(client, 'echo', { text: `short ${i}` }, { ttl: 600 }));
    const kept = [];
    for (let i = 0; i < 3; i++) kept.push(await createTaskCall(client, 'echo', { text: `long ${i}` }, { ttl: 60_000 }));
    const first = await client.experimental.tasks.listTasks();
    assert.deepEqual(first.tasks.map((t) => t.taskId), doomed.map((t) => t.taskId));
    assert.ok(first.nextCursor);
    await log.settle();
    await until(
      () => client.experimental.tasks.getTask(doomed.at(-1).taskId).then(() => false, () => true),
      3000,
      'the first page to expire',
    );
    const second = await client.experimental.tasks.listTasks(first.nextCursor);
    assert.deepEqual(second.tasks.map((t) => t.taskId), kept.map((t) => t.taskId));
    assert.equal(second.nextCursor, undefined);
  },

  "a taskSupport 'optional' tool answers a plain tools/call (the SDK polls the store) and a task call": async ({ client, store, sessionId }) => {
    const plain = await client.callTool({ name: 'maybe-task', arguments: { text: 'no task asked' } });
    assert.equal(textOf(plain), 'no task asked');
    assert.equal('structuredContent' in plain, false);
    // The SDK ran it as a task behind the scenes: the store has it, completed.
    const [behind] = (await store.listTasks(undefined, sessionId)).tasks;
    assert.equal(behind.status, 'completed');

    const messages = await streamAll(client, 'maybe-task', { text: 'as a task' });
    assert.equal(messages[0].type, 'taskCreated');
    assert.equal(textOf(messages.at(-1).result), 'as a task');
  },
};
