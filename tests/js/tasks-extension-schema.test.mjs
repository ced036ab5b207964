// Every response mcp-task-store-wasm/tasks-extension puts on the wire, checked against the
// extension's published schemas: the generated 2026-07-28 (v2) schemas that the official
// `@modelcontextprotocol/ext-tasks` 0.2.2 ships in `core/v2` (Zod schemas, the package's own
// validators; it ships no JSON Schema files). The responses are the bytes a client receives from
// a real @modelcontextprotocol/server 2.4.0 on loopback HTTP, the whole JSON-RPC message each
// time (envelope, result or error), so what the SDK adds on the way out is checked as well.
//
// `z.object` schemas drop keys they do not declare, so `exactly()` also compares the parsed
// value's keys with the response's: a response may not carry undeclared keys where the schema
// is closed (the one the SDK adds, `content: []` on a CreateTaskResult, is named).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TasksExtension, InMemoryTaskStore } from 'mcp-task-store-wasm/tasks-extension';
import {
  CreateTaskResultV2Schema, GetTaskResultV2Schema, UpdateTaskResultV2Schema, CancelTaskResultV2Schema,
  DetailedTaskV2Schema, TaskV2Schema, ErrorV2Schema, CallToolResultV2Schema, InputRequestsV2Schema,
  ClientTaskCapabilityEnvelopeV2Schema, ServerTaskCapabilityEnvelopeV2Schema, TasksExtensionCapabilityV2Schema,
  RequestIdV2Schema, isCreateTaskResultV2, isDetailedTaskV2, isToolCallTaskResultV2, hasTaskServerCapabilityV2,
  TASKS_EXTENSION_ID_V2,
} from '@modelcontextprotocol/ext-tasks/core/v2';
import { EXTENSION_ID, listen, statelessHandler, connectSession, rawMessage } from './fixtures/tasks-extension/harness.mjs';

const text = (t) => ({ content: [{ type: 'text', text: t }] });
const INPUTS = {
  form: { method: 'elicitation/create', params: { mode: 'form', message: 'ok?', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } } },
  url: { method: 'elicitation/create', params: { mode: 'url', message: 'sign in', url: 'https://example.com/auth' } },
  sample: { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 16 } },
  roots: { method: 'roots/list' },
};

const store = new InMemoryTaskStore();
const tasks = new TasksExtension(store, { defaultTtlMs: 60_000, defaultPollIntervalMs: 25 });
const outcomes = new Map();

async function startTask(ctx, work, params) {
  const task = await tasks.create(ctx, params);
  outcomes.set(task.taskId, (async () => work(task))().catch((error) => `threw:${error?.message ?? error}`));
  return task.result();
}

function register(server) {
  server.registerTool('hold', {}, async (ctx) => startTask(ctx, async (task) => {
    await task.status('holding until cancelled');
    await new Promise((resolve) => task.signal.addEventListener('abort', resolve, { once: true }));
  }));
  server.registerTool('ask', {}, async (ctx) => startTask(ctx, async (task) => {
    const answers = await task.requireInput(INPUTS);
    await task.complete({ ...text('answered'), structuredContent: { keys: Object.keys(answers).sort() } });
  }));
  server.registerTool('done', {}, async (ctx) => startTask(ctx, (task) => task.complete(text('done'))));
  server.registerTool('tool-error', {}, async (ctx) => startTask(ctx, (task) => task.complete({ ...text('bad input'), isError: true })));
  server.registerTool('explode', {}, async (ctx) => startTask(ctx, (task) => task.fail({ code: -32603, message: 'upstream down', data: { retryAfterMs: 500 } })));
  server.registerTool('explode-bare', {}, async (ctx) => startTask(ctx, (task) => task.fail({ code: -32000, message: 'no data' })));
  server.registerTool('unlimited', {}, async (ctx) => startTask(ctx, (task) => task.complete(text('kept')), { ttlMs: null }));
}

let server;
before(async () => {
  server = await listen(statelessHandler(tasks, register));
});
after(async () => {
  await server.close();
  tasks.close();
  store.cleanup();
});

/** Parses `value` with `schema` and returns the parsed value; fails with Zod's issues. */
function valid(schema, value, what) {
  const parsed = schema.safeParse(value);
  assert.ok(parsed.success, `${what} does not validate: ${JSON.stringify(parsed.error?.issues)}\n${JSON.stringify(value)}`);
  return parsed.data;
}

/** `valid`, and the response has no key the (closed) schema does not declare, but `allowed`. */
function exactly(schema, value, what, allowed = []) {
  const parsed = valid(schema, value, what);
  const extra = Object.keys(value).filter((k) => !(k in parsed) && !allowed.includes(k));
  assert.deepEqual(extra, [], `${what} carries keys the schema does not declare`);
  return parsed;
}

/** A JSON-RPC success response: the envelope, and its result. */
function resultOf({ status, message }, id) {
  assert.equal(status, 200);
  assert.equal(message.jsonrpc, '2.0');
  assert.equal(message.id, id);
  valid(RequestIdV2Schema, message.id, 'id');
  assert.ok(!('error' in message), JSON.stringify(message.error));
  return message.result;
}

/** A JSON-RPC error response: the envelope, and the error object, valid as the schema's Error. */
function errorOf({ message }, id) {
  assert.equal(message.jsonrpc, '2.0');
  assert.equal(message.id, id);
  assert.ok(!('result' in message));
  return exactly(ErrorV2Schema, message.error, 'the JSON-RPC error');
}

let nextId = 1;
async function send(method, params, options) {
  const id = nextId++; // integer ids here (the harness uses strings elsewhere): both are RequestIds
  return { id, response: await rawMessage(server.url, method, params, { ...options, id }) };
}

async function createTask(name) {
  const { id, response } = await send('tools/call', { name, arguments: {} });
  const created = resultOf(response, id);
  exactly(CreateTaskResultV2Schema, created, `CreateTaskResult of ${name}`, ['content']);
  assert.ok(isToolCallTaskResultV2('tools/call', created));
  assert.ok(isCreateTaskResultV2(created));
  return created;
}

/** tasks/get, validated as GetTaskResult, the DetailedTask of its status and the plain Task. */
async function getTask(taskId) {
  const { id, response } = await send('tasks/get', { taskId });
  const result = resultOf(response, id);
  const parsed = exactly(GetTaskResultV2Schema, result, `tasks/get (${result.status})`);
  assert.equal(parsed.resultType, 'complete');
  const { resultType, _meta, ...detailed } = result;
  exactly(DetailedTaskV2Schema, detailed, `the DetailedTask (${result.status})`);
  assert.ok(isDetailedTaskV2(detailed));
  valid(TaskV2Schema, detailed, 'the Task inside');
  return result;
}

async function getUntil(taskId, predicate) {
  for (let i = 0; i < 300; i++) {
    const result = await getTask(taskId);
    if (predicate(result)) return result;
    await sleep(10);
  }
  assert.fail(`task ${taskId} never reached the expected state`);
}

test('schema: the server capability is a valid envelope and the extension entry is the strict {} of TasksExtensionCapability', async () => {
  assert.equal(TASKS_EXTENSION_ID_V2, EXTENSION_ID);
  assert.equal(TasksExtension.EXTENSION_ID, TASKS_EXTENSION_ID_V2);
  const { client, close } = await connectSession(server.url);
  try {
    const capabilities = client.getServerCapabilities();
    valid(ServerTaskCapabilityEnvelopeV2Schema, capabilities, 'server capabilities');
    assert.ok(hasTaskServerCapabilityV2(capabilities));
    exactly(TasksExtensionCapabilityV2Schema, capabilities.extensions[EXTENSION_ID], 'the extension capability');
  } finally {
    await close();
  }
});

test('schema: tools/call answered with a task validates as CreateTaskResult (resultType "task", ttlMs, pollIntervalMs; ttlMs null when unlimited)', async () => {
  const created = await createTask('done');
  assert.equal(created.resultType, 'task');
  assert.equal(created.ttlMs, 60_000);
  assert.equal(created.pollIntervalMs, 25);
  const unlimited = await createTask('unlimited');
  assert.equal(unlimited.ttlMs, null);
  await getUntil(unlimited.taskId, (t) => t.status === 'completed');
});

test('schema: tasks/get of a working task (with a statusMessage) validates as GetTaskResult / WorkingTask', async () => {
  const created = await createTask('hold');
  const working = await getUntil(created.taskId, (t) => t.statusMessage !== undefined);
  assert.equal(working.status, 'working');
  assert.equal(working.statusMessage, 'holding until cancelled');
  assert.deepEqual(Object.keys(working).filter((k) => k !== '_meta').sort(), [ // _meta: the SDK's, declared optional
    'createdAt', 'lastUpdatedAt', 'pollIntervalMs', 'resultType', 'status', 'statusMessage', 'taskId', 'ttlMs']);
  await send('tasks/cancel', { taskId: created.taskId });
});

test('schema: tasks/get of an input_required task validates as InputRequiredTask: elicitation (form and url), sampling and roots requests, before and after a partial tasks/update', async () => {
  const created = await createTask('ask');
  const waiting = await getUntil(created.taskId, (t) => t.status === 'input_required');
  valid(InputRequestsV2Schema, waiting.inputRequests, 'inputRequests');
  assert.deepEqual(waiting.inputRequests, INPUTS);

  const { id, response } = await send('tasks/update', {
    taskId: created.taskId,
    inputResponses: { form: { action: 'accept', content: { ok: true } }, roots: { roots: [{ uri: 'file:///tmp' }] } },
  });
  const ack = resultOf(response, id);
  exactly(UpdateTaskResultV2Schema, ack, 'tasks/update ack');
  const partial = await getTask(created.taskId);
  assert.equal(partial.status, 'input_required');
  assert.deepEqual(Object.keys(partial.inputRequests).sort(), ['sample', 'url']);

  await send('tasks/update', {
    taskId: created.taskId,
    inputResponses: {
      url: { action: 'accept' },
      sample: { role: 'assistant', content: { type: 'text', text: 'hello' }, model: 'm' },
    },
  });
  const done = await getUntil(created.taskId, (t) => t.status === 'completed');
  assert.deepEqual(done.result.structuredContent, { keys: ['form', 'roots', 'sample', 'url'] });
});

test('schema: tasks/get of a completed task validates as CompletedTask, and its result as a complete CallToolResult (isError: true too)', async () => {
  for (const [tool, isError] of [['done', undefined], ['tool-error', true]]) {
    const created = await createTask(tool);
    const done = await getUntil(created.taskId, (t) => t.status === 'completed');
    const result = exactly(CallToolResultV2Schema, done.result, `the tool result of ${tool}`);
    assert.equal(result.resultType, 'complete');
    assert.equal(done.result.isError, isError);
    assert.ok(!('error' in done) && !('inputRequests' in done));
  }
});

test('schema: tasks/get of a failed task validates as FailedTask; its error (with and without data) as the schema\'s Error', async () => {
  for (const [tool, expected] of [
    ['explode', { code: -32603, message: 'upstream down', data: { retryAfterMs: 500 } }],
    ['explode-bare', { code: -32000, message: 'no data' }],
  ]) {
    const created = await createTask(tool);
    const failed = await getUntil(created.taskId, (t) => t.status === 'failed');
    exactly(ErrorV2Schema, failed.error, `the error of ${tool}`);
    assert.deepEqual(failed.error, expected);
    assert.equal(failed.statusMessage, expected.message);
    assert.ok(!('result' in failed));
  }
});

test('schema: tasks/cancel acks validate as CancelTaskResult (a live task, then the same task again, terminal) and the cancelled task as CancelledTask', async () => {
  const created = await createTask('hold');
  await getUntil(created.taskId, (t) => t.statusMessage !== undefined);
  for (let i = 0; i < 2; i++) {
    const { id, response } = await send('tasks/cancel', { taskId: created.taskId });
    const ack = resultOf(response, id);
    exactly(CancelTaskResultV2Schema, ack, 'tasks/cancel ack');
    assert.equal(ack.resultType, 'complete');
  }
  const cancelled = await getTask(created.taskId);
  assert.equal(cancelled.status, 'cancelled');
  assert.ok(!('result' in cancelled) && !('error' in cancelled) && !('inputRequests' in cancelled));
});

test('schema: tasks/update ack on a task with nothing outstanding (keys ignored) validates as UpdateTaskResult', async () => {
  const created = await createTask('hold');
  const { id, response } = await send('tasks/update', { taskId: created.taskId, inputResponses: { nope: { action: 'decline' } } });
  exactly(UpdateTaskResultV2Schema, resultOf(response, id), 'tasks/update ack');
  assert.equal((await getTask(created.taskId)).status, 'working');
  await send('tasks/cancel', { taskId: created.taskId });
});

test('schema: error responses validate as the schema\'s Error: -32602 for unknown, malformed and missing task ids on every method; -32021 whose data.requiredCapabilities is a valid client capability envelope', async () => {
  for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
    for (const params of [{ taskId: 'no-such-task', inputResponses: {} }, { taskId: 42, inputResponses: {} }, {}]) {
      const { id, response } = await send(method, params);
      const error = errorOf(response, id);
      assert.equal(error.code, -32602, `${method} ${JSON.stringify(params)}`);
    }
  }
  const created = await createTask('done');
  for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
    const { id, response } = await send(method, { taskId: created.taskId, inputResponses: {} }, { declare: false });
    const error = errorOf(response, id);
    assert.equal(error.code, -32021);
    exactly(ClientTaskCapabilityEnvelopeV2Schema, error.data.requiredCapabilities, 'data.requiredCapabilities');
    assert.deepEqual(Object.keys(error.data), ['requiredCapabilities']);
  }
});

test('schema: the checks bite: the 2025-11-25 field names, a missing resultType, an inner result without resultType and a stray key are each refused', async () => {
  const created = await createTask('done');
  const done = await getUntil(created.taskId, (t) => t.status === 'completed');
  const { ttlMs, pollIntervalMs, ...rest } = done;
  assert.equal(GetTaskResultV2Schema.safeParse({ ...rest, ttl: ttlMs, pollInterval: pollIntervalMs }).success, false);
  const { resultType, ...bare } = done;
  assert.equal(GetTaskResultV2Schema.safeParse(bare).success, false);
  const { resultType: inner, ...plainResult } = done.result;
  assert.equal(CallToolResultV2Schema.safeParse(plainResult).success, false);
  assert.throws(() => exactly(CreateTaskResultV2Schema, { ...created, ttl: 1 }, 'doctored', ['content']), /does not declare/);
  assert.equal(ErrorV2Schema.safeParse({ code: 1.5, message: 'x' }).success, false);
});
