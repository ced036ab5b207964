#!/usr/bin/env node
// An MCP client that walks through the life of tasks on examples/server.mjs and prints it,
// one line per event, with times relative to its start.
//
//   node examples/client.mjs [--url http://127.0.0.1:3917/mcp]
//
// It runs: a countdown (working, with progress messages → completed), a confirm that needs input
// (input_required → an elicitation answered here → completed), a countdown it cancels (cancelled,
// and still cancelled after the work ends), a flaky tool (failed), a short-ttl task that expires
// (tasks/get: not found), tasks/list, and a second session that cannot see the first's tasks.
// Exits 0 if everything behaved as the spec says, 1 otherwise.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, ElicitRequestSchema, RELATED_TASK_META_KEY } from '@modelcontextprotocol/sdk/types.js';

const { values: opts } = parseArgs({
  options: { url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? 3917}/mcp` } },
});

// ---- output ----
const t0 = performance.now();
const since = () => `+${((performance.now() - t0) / 1000).toFixed(3)}s`.padStart(9);
const short = (taskId) => (taskId ? taskId.slice(0, 8) : '').padEnd(8);
const line = (tool, taskId, event, detail = '') =>
  console.log(`${since()}  ${tool.padEnd(9)}  ${short(taskId)}  ${event.padEnd(16)}${detail}`);
const section = (title) => console.log(`\n── ${title}`);
const textOf = (result) => result?.content?.find((c) => c.type === 'text')?.text ?? '';
// The SDK prefixes "MCP error <code>: " (sometimes twice); show the code once.
const errText = (err) => `${err.code ?? ''} ${String(err.message).replace(/^(MCP error -?\d+: )+/, '')}`.trim();

const failures = [];
function expect(ok, what) {
  if (!ok) {
    failures.push(what);
    console.log(`${since()}  ✗ FAILED: ${what}`);
  }
}

// ---- the client: declares form elicitation and answers every question with "yes" ----
function makeClient(name) {
  const client = new Client({ name, version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    const taskId = request.params._meta?.[RELATED_TASK_META_KEY]?.taskId;
    const answer = { action: 'accept', content: { confirm: true } };
    line('confirm', taskId, 'elicitation', `server asks ${JSON.stringify(request.params.message)} → we answer yes`);
    return answer;
  });
  return client;
}

async function connect(name) {
  const client = makeClient(name);
  const transport = new StreamableHTTPClientTransport(new URL(opts.url));
  await client.connect(transport);
  return { client, transport };
}

/**
 * Calls `tool` as a task with callToolStream and prints every change the client sees.
 * `onStatus(task)` runs for each polled status (the stream waits for it).
 * Returns { taskId, result, error, statuses }.
 */
async function follow(client, tool, args, { ttl = 60_000, onStatus } = {}) {
  let taskId;
  let last = '';
  let result;
  let error;
  const statuses = [];
  const stream = client.experimental.tasks.callToolStream({ name: tool, arguments: args }, CallToolResultSchema, {
    task: { ttl },
  });
  for await (const m of stream) {
    if (m.type === 'taskCreated') {
      taskId = m.task.taskId;
      line(tool, taskId, 'created', `${JSON.stringify(args)}  ttl ${m.task.ttl} ms, poll every ${m.task.pollInterval} ms`);
      last = m.task.status;
    } else if (m.type === 'taskStatus') {
      statuses.push(m.task.status);
      const now = `${m.task.status}  ${m.task.statusMessage ?? ''}`;
      if (now !== last) line(tool, taskId, m.task.status, m.task.statusMessage ?? '');
      last = now;
      if (onStatus) await onStatus(m.task);
    } else if (m.type === 'result') {
      result = m.result;
      line(tool, taskId, 'result', JSON.stringify(textOf(m.result)));
    } else if (m.type === 'error') {
      error = m.error;
      line(tool, taskId, 'stream ended', `with an error: ${errText(m.error)}`);
    }
  }
  return { taskId, result, error, statuses };
}

async function getTask(client, taskId) {
  return client.experimental.tasks.getTask(taskId);
}

async function main() {
  console.log(`MCP tasks demo: client of ${opts.url}`);
  const { client, transport } = await connect('task-demo-client');
  const tools = await client.listTools();
  line('client', '', 'connected', `session ${transport.sessionId.slice(0, 8)}; tools: ${tools.tools.map((t) => t.name).join(', ')}`);

  // 1. Progress through status messages.
  section('1. countdown: working, with progress in statusMessage, then completed');
  const countdown = await follow(client, 'countdown', { from: 4, stepMs: 300 });
  expect(textOf(countdown.result) === 'liftoff after 4 steps', 'countdown returns its result');
  expect(countdown.statuses.at(-1) === 'completed', 'countdown ends completed');

  // 2. Input required: the elicitation travels through the task's message queue.
  section('2. confirm: input_required, the server asks through elicitation, we answer, completed');
  const confirm = await follow(client, 'confirm', { question: 'Deploy v2 to production?' });
  expect(confirm.statuses.includes('input_required'), 'confirm went input_required');
  expect(textOf(confirm.result) === 'confirmed: yes', 'confirm returns the answer');
  const confirmed = await getTask(client, confirm.taskId);
  line('confirm', confirm.taskId, confirmed.status, '(tasks/get after the result)');
  expect(confirmed.status === 'completed', 'confirm ends completed');

  // 3. Cancellation of a running task; the late work cannot revive it.
  section('3. countdown, cancelled while working (its work stops later; the task stays cancelled)');
  let cancelSent = false;
  const cancelled = await follow(client, 'countdown', { from: 8, stepMs: 250 }, {
    async onStatus(task) {
      // Cancel once the countdown has made progress (T-7 or later).
      if (!cancelSent && task.status === 'working' && /^T-[1-7]$/.test(task.statusMessage ?? '')) {
        cancelSent = true;
        const after = await client.experimental.tasks.cancelTask(task.taskId);
        line('countdown', task.taskId, 'tasks/cancel', `→ ${after.status}: ${after.statusMessage}`);
        expect(after.status === 'cancelled', 'tasks/cancel answers with the cancelled task');
      }
    },
  });
  expect(/cancelled/.test(cancelled.error?.message ?? ''), 'the stream of a cancelled task ends with an error');
  await sleep(600); // the countdown's work notices at its next step and stops
  const still = await getTask(client, cancelled.taskId);
  line('countdown', cancelled.taskId, still.status, '(tasks/get 600 ms later, after the work stopped)');
  expect(still.status === 'cancelled', 'a cancelled task stays cancelled');
  try {
    await client.experimental.tasks.cancelTask(cancelled.taskId);
    expect(false, 'cancelling a terminal task is refused');
  } catch (err) {
    line('countdown', cancelled.taskId, 'tasks/cancel', `→ refused: ${errText(err)}`);
    expect(err.code === -32602, 'cancelling a terminal task is refused with -32602');
  }

  // 4. A result with isError: true ends the task failed.
  section('4. flaky: the result has isError: true, so the task ends failed');
  const flaky = await follow(client, 'flaky', { reason: 'the disk is full' });
  expect(flaky.statuses.at(-1) === 'failed', 'flaky ends failed');
  const flakyResult = await client.experimental.tasks.getTaskResult(flaky.taskId, CallToolResultSchema);
  line('flaky', flaky.taskId, 'tasks/result', `isError: ${flakyResult.isError}, ${JSON.stringify(textOf(flakyResult))}`);
  expect(flakyResult.isError === true, 'tasks/result of a failed task returns the isError result');

  // 5. Expiry: after its ttl the task is gone.
  section('5. a task with a 1 s ttl: kept for 1 s after it ends, then gone');
  const shortLived = await follow(client, 'countdown', { from: 1, stepMs: 0 }, { ttl: 1000 });
  expect(shortLived.statuses.at(-1) === 'completed', 'the short-lived task completes');
  const ended = performance.now();
  let gone;
  while (!gone && performance.now() - ended < 5000) {
    await sleep(100);
    gone = await getTask(client, shortLived.taskId).then(
      () => undefined,
      (err) => err,
    );
  }
  if (gone) {
    const after = ((performance.now() - ended) / 1000).toFixed(1);
    line('countdown', shortLived.taskId, 'expired', `tasks/get ${after} s after it ended → ${errText(gone)}`);
  }
  expect(gone?.code === -32602, 'an expired task is not found');

  // 6. tasks/list, following nextCursor.
  section('6. tasks/list: this session’s tasks');
  const listed = [];
  let cursor;
  let pages = 0;
  do {
    const page = await client.experimental.tasks.listTasks(cursor);
    pages++;
    listed.push(...page.tasks);
    cursor = page.nextCursor;
  } while (cursor);
  for (const t of listed) line('list', t.taskId, t.status, t.statusMessage ?? '');
  line('list', '', `${listed.length} tasks`, `on ${pages} page(s)`);
  const ids = listed.map((t) => t.taskId);
  expect(
    [countdown, confirm, cancelled, flaky].every((r) => ids.includes(r.taskId)),
    'tasks/list shows every live task of the session',
  );
  expect(!ids.includes(shortLived.taskId), 'tasks/list does not show the expired task');

  // 7. Another session sees none of it.
  section('7. a second session: the first session’s tasks are invisible to it');
  const other = await connect('task-demo-client-2');
  const otherList = await other.client.experimental.tasks.listTasks();
  line('client 2', '', 'tasks/list', `session ${other.transport.sessionId.slice(0, 8)} → ${otherList.tasks.length} tasks`);
  expect(otherList.tasks.length === 0, 'a new session lists no tasks');
  try {
    await other.client.experimental.tasks.getTask(countdown.taskId);
    expect(false, "another session cannot get the first session's task");
  } catch (err) {
    line('client 2', countdown.taskId, 'tasks/get', `→ ${errText(err)}`);
    expect(err.code === -32602, "another session's tasks/get is not found (-32602)");
  }

  for (const c of [other, { client, transport }]) {
    await c.transport.terminateSession().catch(() => {});
    await c.client.close();
  }
}

main().then(
  () => {
    if (failures.length) {
      console.log(`\n✗ ${failures.length} check(s) failed:\n  - ${failures.join('\n  - ')}`);
      process.exit(1);
    }
    console.log(`\n✓ every task behaved as the MCP tasks spec says (${since().trim()})`);
    process.exit(0);
  },
  (err) => {
    console.error(`\n✗ client error: ${err?.stack ?? err}`);
    process.exit(1);
  },
);
