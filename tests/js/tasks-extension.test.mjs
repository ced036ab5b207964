// mcp-task-store-wasm/tasks-extension end to end: a real @modelcontextprotocol/server 2.4.0 on
// loopback HTTP (createMcpHandler: a server per request, the TasksExtension and its store
// outside it), driven by the official @modelcontextprotocol/ext-tasks client and, where a test
// needs exact wire control (partial answers, missing capability, odd ids), by raw 2026-07-28
// JSON-RPC requests. Each MUST of the extension's spec that falls to the server is a named test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { Server, createMcpHandler } from '@modelcontextprotocol/server';
import { TasksExtension, InMemoryTaskStore, createRawDispatch } from 'mcp-task-store-wasm/tasks-extension';
import { InMemoryTaskStore as MainStore } from 'mcp-task-store-wasm';
import { TaskFailedError } from '@modelcontextprotocol/ext-tasks/client';
import {
  EXTENSION_ID, listen, statelessHandler, connectSession, rawRequest, envelope,
} from './fixtures/tasks-extension/harness.mjs';

const text = (t) => ({ content: [{ type: 'text', text: t }] });
const ELICIT = (message) => ({
  method: 'elicitation/create',
  params: { mode: 'form', message, requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } },
});

const store = new InMemoryTaskStore({ defaultPollInterval: 20 });
const tasks = new TasksExtension(store, { defaultTtlMs: 60_000, defaultPollIntervalMs: 20 });
/** The work side of every task the tools made, by taskId (for the tests to look at). */
const handles = new Map();
/** What the work of a task ended with: resolves with 'aborted:<reason>', 'answers:<json>', ... */
const outcomes = new Map();

async function startTask(ctx, work, params) {
  const task = await tasks.create(ctx, params);
  handles.set(task.taskId, task);
  outcomes.set(task.taskId, (async () => work(task))().catch((error) => `threw:${error?.message ?? error}`));
  return task.result();
}

function register(server) {
  // Completes after a short while; run synchronously when the request did not declare the extension.
  server.registerTool('slow-echo', { description: 'answers "done" as a task' }, async (ctx) => {
    if (!tasks.accepts(ctx)) return text('done (no task: the client did not declare the extension)');
    return startTask(ctx, async (task) => {
      await task.status('echoing');
      await sleep(60);
      await task.complete(text('done'));
      return 'completed';
    });
  });
  server.registerTool('tool-error', {}, async (ctx) => startTask(ctx, async (task) => {
    await task.complete({ ...text('invalid input'), isError: true });
  }));
  server.registerTool('explode', {}, async (ctx) => startTask(ctx, async (task) => {
    await sleep(20);
    await task.fail({ code: -32603, message: 'API rate limit exceeded', data: { retryAfterMs: 1000 } });
  }));
  server.registerTool('confirm', {}, async (ctx) => startTask(ctx, async (task) => {
    const answers = await task.requireInput({ first: ELICIT('first?'), second: ELICIT('second?') });
    await task.complete(text(JSON.stringify(answers)));
    return `answers:${JSON.stringify(answers)}`;
  }));
  server.registerTool('until-cancelled', {}, async (ctx) => startTask(ctx, async (task) => {
    await task.status('waiting to be cancelled');
    await new Promise((resolve) => task.signal.addEventListener('abort', resolve, { once: true }));
    // Work that ends anyway after the cancel is refused by the store: cancelled stays cancelled.
    await task.complete(text('too late')).catch((error) => outcomes.set(`${task.taskId}:late`, error.code));
    return `aborted:${task.signal.reason.message}`;
  }));
  server.registerTool('short-lived', {}, async (ctx) => startTask(ctx, async (task) => {
    await task.requireInput({ never: ELICIT('nobody answers') });
  }, { ttlMs: 150 }));
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

async function call(name, options) {
  const r = await rawRequest(server.url, 'tools/call', { name, arguments: {} }, options);
  assert.equal(r.kind, 'result', JSON.stringify(r));
  return r.result;
}

async function get(taskId, options) {
  return rawRequest(server.url, 'tasks/get', { taskId }, options);
}

async function pollUntil(taskId, predicate, options) {
  for (let i = 0; i < 200; i++) {
    const r = await get(taskId, options);
    if (r.kind === 'result' && predicate(r.result)) return r.result;
    await sleep(10);
  }
  assert.fail(`task ${taskId} never reached the expected state`);
}

test('capability: the server advertises extensions["io.modelcontextprotocol/tasks"] as exactly {} (what the official client accepts)', async () => {
  const { client, session, close } = await connectSession(server.url);
  try {
    assert.deepEqual(client.getServerCapabilities().extensions, { [EXTENSION_ID]: {} });
    assert.equal(session.capabilities.execution, true);
  } finally {
    await close();
  }
});

test('CreateTaskResult: resultType "task", the Task with ttlMs and pollIntervalMs, durable (tasks/get resolves at once)', async () => {
  const created = await call('slow-echo');
  assert.equal(created.resultType, 'task');
  assert.match(created.taskId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(created.status, 'working');
  assert.equal(created.ttlMs, 60_000);
  assert.equal(created.pollIntervalMs, 20);
  assert.ok(!('ttl' in created) && !('pollInterval' in created));
  const got = await get(created.taskId);
  assert.equal(got.kind, 'result');
  assert.equal(got.result.taskId, created.taskId);
  assert.equal(got.result.resultType, 'complete');
  await outcomes.get(created.taskId);
});

test('tasks/get: the official client polls a task to completed, with the tool result inline', async () => {
  const { session, close } = await connectSession(server.url);
  try {
    const execution = await session.callTool('slow-echo', {});
    assert.equal(execution.kind, 'task');
    const seen = [];
    const { outcome } = await execution.settle({ onEvent: (e) => { if (e.type === 'task') seen.push(e.task.status); } });
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(outcome.result.content, [{ type: 'text', text: 'done' }]);
    assert.ok(seen.includes('working'), `statuses seen: ${seen}`);
    const raw = await get(execution.handle.taskId);
    assert.equal(raw.result.status, 'completed');
    assert.equal(raw.result.result.resultType, 'complete');
    assert.deepEqual(raw.result.result.content, [{ type: 'text', text: 'done' }]);
  } finally {
    await close();
  }
});

test('completed, not failed: a tool result with isError: true ends completed with the result inline', async () => {
  const created = await call('tool-error');
  const done = await pollUntil(created.taskId, (t) => t.status !== 'working');
  assert.equal(done.status, 'completed');
  assert.equal(done.result.isError, true);
  assert.deepEqual(done.result.content, [{ type: 'text', text: 'invalid input' }]);
  assert.ok(!('error' in done));
});

test('failed: a JSON-RPC error during execution ends failed and tasks/get carries it as error, with a statusMessage saying what went wrong (official client: TaskFailedError)', async () => {
  const { session, close } = await connectSession(server.url);
  try {
    const execution = await session.callTool('explode', {});
    const outcome = await execution.result();
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.error instanceof TaskFailedError);
    assert.equal(outcome.error.code, -32603);
    const raw = await get(execution.handle.taskId);
    assert.equal(raw.result.status, 'failed');
    assert.deepEqual(raw.result.error, { code: -32603, message: 'API rate limit exceeded', data: { retryAfterMs: 1000 } });
    assert.equal(raw.result.statusMessage, 'API rate limit exceeded'); // the spec's SHOULD: diagnostic statusMessage
    assert.ok(!('result' in raw.result));
  } finally {
    await close();
  }
});

test('input_required: inputRequests lists every outstanding request; a partial tasks/update keeps input_required; unknown and answered keys are ignored; tasks/update acks with an empty result', async () => {
  const created = await call('confirm');
  const waiting = await pollUntil(created.taskId, (t) => t.status === 'input_required');
  assert.deepEqual(Object.keys(waiting.inputRequests).sort(), ['first', 'second']);
  assert.deepEqual(waiting.inputRequests.first, ELICIT('first?'));

  const ack = await rawRequest(server.url, 'tasks/update', {
    taskId: created.taskId,
    inputResponses: { first: { action: 'accept', content: { ok: true } }, 'never-issued': { action: 'decline' } },
  });
  assert.equal(ack.kind, 'result');
  assert.deepEqual(Object.keys(ack.result).filter((k) => k !== '_meta'), ['resultType']);
  assert.equal(ack.result.resultType, 'complete');
  const partial = await get(created.taskId);
  assert.equal(partial.result.status, 'input_required');
  assert.deepEqual(Object.keys(partial.result.inputRequests), ['second']);

  // "first" again (already answered) changes nothing; "second" completes the set.
  await rawRequest(server.url, 'tasks/update', {
    taskId: created.taskId,
    inputResponses: { first: { action: 'decline' }, second: { action: 'accept', content: { ok: false } } },
  });
  assert.equal(await outcomes.get(created.taskId),
    `answers:${JSON.stringify({ first: { action: 'accept', content: { ok: true } }, second: { action: 'accept', content: { ok: false } } })}`);
  const done = await pollUntil(created.taskId, (t) => t.status === 'completed');
  assert.ok(!('inputRequests' in done));
});

test('input_required through the official client: its onInputRequest answers the elicitations and the task completes', async () => {
  const asked = [];
  const { session, close } = await connectSession(server.url, {
    onInputRequest: async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: { ok: true } };
    },
  });
  try {
    const execution = await session.callTool('confirm', {});
    const outcome = await execution.result();
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(asked.sort(), ['first?', 'second?']);
    assert.deepEqual(JSON.parse(outcome.result.content[0].text), {
      first: { action: 'accept', content: { ok: true } },
      second: { action: 'accept', content: { ok: true } },
    });
  } finally {
    await close();
  }
});

test('input keys are unique over a task\'s life: a key used before (answered or not) is refused, nothing changes', async () => {
  const created = await call('confirm');
  await pollUntil(created.taskId, (t) => t.status === 'input_required');
  const handle = handles.get(created.taskId);
  await assert.rejects(handle.requireInput({ first: ELICIT('again') }), { name: 'RangeError', code: -32602 });
  await assert.rejects(handle.requireInput({}), { name: 'TypeError', code: -32602 });
  await assert.rejects(handle.requireInput({ x: { method: 'tools/call' } }), { name: 'TypeError', code: -32602 });
  const after = await get(created.taskId);
  assert.deepEqual(Object.keys(after.result.inputRequests).sort(), ['first', 'second']);
  await rawRequest(server.url, 'tasks/cancel', { taskId: created.taskId });
});

test('tasks/cancel: an empty ack; cooperative (the work\'s signal aborts); the task ends cancelled and stays so when the work ends later', async () => {
  const created = await call('until-cancelled');
  await pollUntil(created.taskId, (t) => t.statusMessage === 'waiting to be cancelled');
  const ack = await rawRequest(server.url, 'tasks/cancel', { taskId: created.taskId });
  assert.equal(ack.kind, 'result');
  assert.equal(ack.result.resultType, 'complete');
  assert.match(await outcomes.get(created.taskId), /^aborted:.*cancelled/);
  assert.equal(outcomes.get(`${created.taskId}:late`), -32602); // the store refused the late result
  const after = await get(created.taskId);
  assert.equal(after.result.status, 'cancelled');
  assert.ok(!('result' in after.result) && !('error' in after.result));
  // Cancelling a terminal task: acknowledged, and it stays as it was (terminal is final).
  const again = await rawRequest(server.url, 'tasks/cancel', { taskId: created.taskId });
  assert.equal(again.kind, 'result');
  const done = await call('tool-error');
  await pollUntil(done.taskId, (t) => t.status === 'completed');
  assert.equal((await rawRequest(server.url, 'tasks/cancel', { taskId: done.taskId })).kind, 'result');
  assert.equal((await get(done.taskId)).result.status, 'completed');
});

test('tasks/cancel through the official client: the execution ends cancelled', async () => {
  const { session, close } = await connectSession(server.url);
  try {
    const execution = await session.callTool('until-cancelled', {});
    await execution.cancel();
    const outcome = await execution.result();
    assert.equal(outcome.status, 'cancelled');
    assert.match(await outcomes.get(execution.handle.taskId), /^aborted:/);
  } finally {
    await close();
  }
});

test('-32602: tasks/get, tasks/update and tasks/cancel of an unknown task id (and a non-string id, checked by the store)', async () => {
  for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
    const r = await rawRequest(server.url, method, { taskId: 'no-such-task', inputResponses: {} });
    assert.equal(r.kind, 'error', method);
    assert.equal(r.error.code, -32602, method);
    assert.match(r.error.message, /not found/i, method);
  }
  const odd = await rawRequest(server.url, 'tasks/get', { taskId: 42 });
  assert.equal(odd.error.code, -32602);
  const missing = await rawRequest(server.url, 'tasks/get', {});
  assert.equal(missing.error.code, -32602);
});

test('auth binding: a task created under one principal (bearer client id) is not found (-32602) for another, on every method', async () => {
  const created = await call('confirm', { token: 'alice' });
  const alice = await pollUntil(created.taskId, (t) => t.status === 'input_required', { token: 'alice' });
  assert.equal(alice.taskId, created.taskId);
  for (const token of ['mallory', undefined]) {
    for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
      const r = await rawRequest(server.url, method, {
        taskId: created.taskId, inputResponses: { first: { action: 'decline' } },
      }, { token });
      assert.equal(r.error?.code, -32602, `${method} as ${token}`);
    }
  }
  // Nothing the others sent reached the task.
  const still = await get(created.taskId, { token: 'alice' });
  assert.deepEqual(Object.keys(still.result.inputRequests).sort(), ['first', 'second']);
  // The official client of the owner sees and ends it.
  const { session, close } = await connectSession(server.url, { token: 'alice' });
  try {
    await session.task(created.taskId).cancel();
  } finally {
    await close();
  }
  assert.equal((await get(created.taskId, { token: 'alice' })).result.status, 'cancelled');
});

test('-32021: tasks/get, tasks/update and tasks/cancel from a request that did not declare the extension, naming it in data.requiredCapabilities', async () => {
  const created = await call('slow-echo');
  for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
    const r = await rawRequest(server.url, method, { taskId: created.taskId, inputResponses: {} }, { declare: false });
    assert.equal(r.kind, 'error', method);
    assert.equal(r.error.code, -32021, method);
    assert.deepEqual(r.error.data, { requiredCapabilities: { extensions: { [EXTENSION_ID]: {} } } }, method);
  }
  assert.equal((await get(created.taskId)).kind, 'result'); // the task itself is untouched
  await outcomes.get(created.taskId);
});

test('no CreateTaskResult without the extension on the request: the tool runs synchronously; tasks.create itself rejects with -32021', async () => {
  const before = store.size;
  const r = await call('slow-echo', { declare: false });
  assert.notEqual(r.resultType, 'task');
  assert.ok(!('taskId' in r));
  assert.match(r.content[0].text, /no task/);
  assert.equal(store.size, before);
  const ctx = { mcpReq: { id: 1, method: 'tools/call', envelope: {} } };
  assert.equal(tasks.accepts(ctx), false);
  await assert.rejects(tasks.create(ctx), (e) => e.code === -32021
    && e.data.requiredCapabilities.extensions[EXTENSION_ID] !== undefined);
});

test('expiry: after ttlMs the task is gone (tasks/get, tasks/update, tasks/cancel: -32602), its signal aborts, and the extension drops its input state', async () => {
  const created = await call('short-lived');
  assert.equal(created.ttlMs, 150);
  await pollUntil(created.taskId, (t) => t.status === 'input_required');
  assert.ok(tasks.stats().inputStates >= 1);
  const handle = handles.get(created.taskId);
  await sleep(250);
  for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
    const r = await rawRequest(server.url, method, { taskId: created.taskId, inputResponses: { never: { action: 'decline' } } });
    assert.equal(r.error?.code, -32602, method);
  }
  assert.equal(handle.signal.aborted, true);
  assert.match(await outcomes.get(created.taskId), /^threw:/); // requireInput rejected
  assert.equal(await store.getTask(created.taskId), null);
});

test('no leaked extension state: once the store removes a task (expired, deleted, cleared) the extension holds nothing for it', async () => {
  const own = new InMemoryTaskStore({ defaultPollInterval: 20 });
  const ext = new TasksExtension(own, { defaultTtlMs: 60_000 });
  const ctx = (id) => ({ mcpReq: { id, method: 'tools/call', envelope: { 'io.modelcontextprotocol/clientCapabilities': { extensions: { [EXTENSION_ID]: {} } } } } });
  const made = [];
  for (let i = 0; i < 30; i++) {
    const handle = await ext.create(ctx(i), { ttlMs: i < 10 ? 30 : 60_000 });
    handle.requireInput({ [`k${i}`]: ELICIT(`q${i}`) }).catch(() => {});
    made.push(handle);
  }
  await sleep(0);
  assert.equal(ext.stats().inputStates, 30);
  await sleep(120); // ten expire
  await own.getTask(made[0].taskId);
  assert.equal(ext.stats().inputStates, 20);
  for (const handle of made.slice(10, 20)) assert.equal(await own.deleteTask(handle.taskId), true);
  assert.equal(ext.stats().inputStates, 10);
  own.cleanup();
  assert.equal(ext.stats().inputStates, 0);
  await sleep(0); // the signals abort when the store's waits reject (a microtask later)
  assert.ok(made.every((h) => h.signal.aborted));
  ext.close();
  assert.equal(own.stats().listeners, 0);
  own.free();
});

test('the subpath: ESM and CommonJS give TasksExtension and the same InMemoryTaskStore class as the main entry; bad arguments throw with -32602', () => {
  const require = createRequire(import.meta.url);
  const cjs = require('mcp-task-store-wasm/tasks-extension');
  assert.equal(InMemoryTaskStore, MainStore);
  assert.equal(cjs.InMemoryTaskStore, MainStore);
  assert.equal(typeof cjs.TasksExtension, 'function');
  assert.throws(() => new TasksExtension({}), { name: 'TypeError', code: -32602 });
  assert.throws(() => new TasksExtension(store, { ttl: 1 }), { name: 'TypeError', code: -32602 });
  assert.throws(() => TasksExtension(store), TypeError);
  assert.throws(() => tasks.attach({}), { name: 'TypeError', code: -32602 });
});

test('-32021 for tools/call itself, on the route the README documents: a low-level tools/call handler (not registerTool, which turns a thrown error into an isError result) where tasks.create rejects for a request without the extension', async () => {
  const only = await listen(createMcpHandler(() => {
    const low = new Server({ name: 'task-only', version: '1.0.0' }, { capabilities: { tools: {} } });
    tasks.attach(low);
    low.setRequestHandler('tools/list', async () => ({ tools: [{ name: 'task-only', inputSchema: { type: 'object' } }] }));
    low.setRequestHandler('tools/call', async (_request, ctx) => {
      const task = await tasks.create(ctx); // -32021 when the request did not declare the extension
      void task.complete(text('done as a task'));
      return task.result();
    });
    return low;
  }));
  try {
    const before = store.size;
    const refused = await rawRequest(only.url, 'tools/call', { name: 'task-only', arguments: {} }, { declare: false });
    assert.equal(refused.kind, 'error');
    assert.equal(refused.error.code, -32021);
    assert.deepEqual(refused.error.data, { requiredCapabilities: { extensions: { [EXTENSION_ID]: {} } } });
    assert.equal(store.size, before);
    const created = await rawRequest(only.url, 'tools/call', { name: 'task-only', arguments: {} });
    assert.equal(created.result.resultType, 'task');
    const done = await pollUntil(created.result.taskId, (t) => t.status === 'completed');
    assert.deepEqual(done.result.content, [{ type: 'text', text: 'done as a task' }]);
  } finally {
    await only.close();
  }
});

test('createRawDispatch: the 2026-07-28 headers (MCP-Protocol-Version, Mcp-Method, Mcp-Name = taskId), extra headers (a function too), JSON-RPC errors as { kind: "error" }; bad arguments are TypeErrors (-32602), an answer without a JSON-RPC response an Error (-32603)', async () => {
  const seen = [];
  const recorder = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ headers: req.headers, body: JSON.parse(body) });
      const { id, method } = JSON.parse(body);
      if (method === 'tasks/get') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`event: message\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{}}\n\ndata: ${JSON.stringify({ jsonrpc: '2.0', id, result: { resultType: 'complete', ok: true } })}\n\n`);
      } else if (method === 'tasks/cancel') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32602, message: 'Task not found' } }));
      } else {
        res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>bad gateway</h1>');
      }
    });
  });
  await new Promise((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${recorder.address().port}/mcp`;
  try {
    let n = 0;
    const dispatch = createRawDispatch(url, { headers: () => ({ authorization: `Bearer t${++n}` }) });
    const got = await dispatch({ method: 'tasks/get', params: { taskId: 'abc' } }, { context: { headers: { 'x-extra': '1' } } });
    assert.deepEqual(got, { kind: 'result', result: { resultType: 'complete', ok: true } });
    const { headers, body } = seen[0];
    assert.equal(headers['mcp-protocol-version'], '2026-07-28');
    assert.equal(headers['mcp-method'], 'tasks/get');
    assert.equal(headers['mcp-name'], 'abc');
    assert.equal(headers['x-extra'], '1');
    assert.equal(headers.authorization, 'Bearer t1');
    assert.equal(body.jsonrpc, '2.0');
    assert.ok(body.id !== undefined);
    assert.deepEqual(await dispatch({ method: 'tasks/cancel', params: { taskId: 'abc' } }), { kind: 'error', error: { code: -32602, message: 'Task not found' } });
    assert.equal(seen[1].headers.authorization, 'Bearer t2');
    await assert.rejects(dispatch({ method: 'tools/call', params: { name: 'x' } }), (e) => e instanceof Error && e.code === -32603 && /HTTP 502/.test(e.message));
    await assert.rejects(dispatch('tasks/get'), { name: 'TypeError', code: -32602, message: /^Invalid request/ });
    const aborted = AbortSignal.abort();
    await assert.rejects(dispatch({ method: 'tasks/get', params: { taskId: 'abc' } }, { signal: aborted }), { name: 'AbortError' });
  } finally {
    recorder.closeAllConnections();
    await new Promise((resolve) => recorder.close(resolve));
  }
  assert.throws(() => createRawDispatch('not a url'), { name: 'TypeError', code: -32602, message: /^Invalid url/ });
  assert.throws(() => createRawDispatch('http://127.0.0.1/', { header: {} }), { name: 'TypeError', code: -32602, message: /^Invalid options\.header/ });
  assert.throws(() => createRawDispatch('http://127.0.0.1/', { headers: 'x' }), { name: 'TypeError', code: -32602, message: /^Invalid options\.headers/ });
  assert.throws(() => createRawDispatch('http://127.0.0.1/', { fetch: 1 }), { name: 'TypeError', code: -32602, message: /^Invalid options\.fetch/ });
});

test('-32021 for subscriptions/listen asking for task notifications without the extension (tasks.guard(handler), since the SDK answers subscriptions/listen itself); with the extension the SDK\'s acknowledgement lists no task ids (no notifications/tasks: clients poll)', async () => {
  const inner = statelessHandler(tasks, register);
  const guarded = tasks.guard(inner);
  assert.equal(guarded.close, inner.close); // every other member is the handler's
  assert.throws(() => tasks.guard({}), { name: 'TypeError', code: -32602, message: /^Invalid handler/ });
  const listening = await listen(guarded);
  const listenFor = async (declare, notifications) => {
    const controller = new AbortController();
    const response = await fetch(listening.url, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'subscriptions/listen' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'subscriptions/listen', params: { notifications, _meta: envelope({ declare }) } }),
    });
    const reader = response.body.getReader();
    let text = '';
    // Until the answer or the acknowledgement (a live subscription answers only when it ends).
    while (!/"id":9|notifications\/subscriptions\/acknowledged/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const messages = response.headers.get('content-type').includes('text/event-stream')
      ? text.split('\n').filter((l) => l.startsWith('data: ') && l.endsWith('}')).map((l) => JSON.parse(l.slice(6)))
      : [JSON.parse(text)];
    return { status: response.status, messages };
  };
  try {
    const refused = await listenFor(false, { taskIds: ['any-task'] });
    assert.equal(refused.messages[0].id, 9);
    assert.equal(refused.messages[0].error.code, -32021);
    assert.deepEqual(refused.messages[0].error.data, { requiredCapabilities: { extensions: { [EXTENSION_ID]: {} } } });
    const created = await call('slow-echo');
    const acked = await listenFor(true, { taskIds: [created.taskId] });
    const ack = acked.messages.find((m) => m.method === 'notifications/subscriptions/acknowledged');
    assert.ok(ack, JSON.stringify(acked.messages));
    assert.equal(ack.params.notifications.taskIds, undefined);
    assert.ok(acked.messages.every((m) => m.method !== 'notifications/tasks'));
    // A listen for other notifications, without the extension, is the SDK's as before.
    const other = await listenFor(false, { toolsListChanged: true });
    assert.equal(other.status, 200);
    assert.ok(other.messages.some((m) => m.method === 'notifications/subscriptions/acknowledged'), JSON.stringify(other.messages));
    assert.ok(other.messages.every((m) => !m.error), JSON.stringify(other.messages));
    await outcomes.get(created.taskId);
  } finally {
    await listening.close();
  }
});
