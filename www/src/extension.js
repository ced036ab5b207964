// The second tab: the same tools over the 2026-07-28 Tasks extension (io.modelcontextprotocol/tasks).
// Server: @modelcontextprotocol/server 2.x with this package's TasksExtension on an
// InMemoryTaskStore; client: @modelcontextprotocol/client 2.x with the official
// @modelcontextprotocol/ext-tasks session. They meet through an in-page fetch: each request goes
// straight to the server's handler.fetch(Request), never to the network. Not saved over a reload.
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createTaskSessionFromClient } from '@modelcontextprotocol/ext-tasks/client';
import { InMemoryTaskStore, TasksExtension, createRawDispatch } from 'mcp-task-store-wasm/tasks-extension';
import { TaskTable } from './table.js';
import { InputRequests } from './input.js';
import { STATUS_LABEL, TERMINAL, clockTime, shortId } from './format.js';
import { sleep } from './sleep.js';

const PROTOCOL_VERSION = '2026-07-28';
const EXTENSION_ID = 'io.modelcontextprotocol/tasks';
const ENDPOINT = 'http://in-page.invalid/mcp'; // never fetched: the in-page fetch answers it
const SESSIONS = ['alice', 'bob'];
const SHORT_TTL = 6_000;
const LOG_LENGTH = 12;

const $ = (selector) => document.querySelector(selector);
const text = (t) => ({ content: [{ type: 'text', text: t }] });

function report(error) {
  console.error(error);
  $('#boot').textContent = `Something went wrong: ${error?.message ?? error}`;
  $('#boot').classList.add('error');
}

// ---- the server side: the store, the extension, and a server per request (createMcpHandler) ----
const store = new InMemoryTaskStore({ maxTtl: 60 * 60_000 });
const tasks = new TasksExtension(store, { defaultTtlMs: 10 * 60_000, defaultPollIntervalMs: 250 });

/** A tool that runs as a task: `work(task)` runs after the task is created and answers the call. */
function taskTool(server, name, description, work, options) {
  server.registerTool(name, { description }, async (ctx) => {
    if (!tasks.accepts(ctx)) return text(`${name} runs only as a task`);
    const task = await tasks.create(ctx, options);
    void work(task).catch((error) => {
      // Cancelled or expired: the store already ended the task; anything else fails it.
      if (!task.signal.aborted) return task.fail({ code: -32603, message: String(error?.message ?? error) });
    }).catch(() => {});
    return task.result();
  });
}

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: 'mcp-task-store-wasm-www-extension', version: '1.0.0' });
  tasks.attach(server);
  taskTool(server, 'countdown', 'Counts down from 5, the step as the status message', async (task) => {
    for (let i = 5; i >= 1; i--) {
      await task.status(`T-${i}`);
      await sleep(600, task.signal);
    }
    await task.status('liftoff');
    await task.complete(text('liftoff after 5 steps'));
  });
  taskTool(server, 'confirm', 'Asks a yes/no question (inputRequests, answered by tasks/update)', async (task) => {
    const { answer } = await task.requireInput({
      answer: {
        method: 'elicitation/create',
        params: {
          mode: 'form',
          message: 'Ship the release today?',
          requestedSchema: {
            type: 'object',
            properties: { confirm: { type: 'boolean', title: 'Yes?' }, note: { type: 'string', title: 'Note', maxLength: 80 } },
            required: ['confirm'],
          },
        },
      },
    });
    if (task.signal.aborted) return;
    await task.status('answer received');
    if (answer.action !== 'accept') return task.complete(text(`no answer (${answer.action})`));
    const note = answer.content?.note ? ` (“${answer.content.note}”)` : '';
    await task.complete(text(`answer: ${answer.content?.confirm ? 'yes' : 'no'}${note}`));
  });
  taskTool(server, 'flaky', 'Fails with a JSON-RPC error, so the task ends failed', async (task) => {
    await task.status('calling upstream…');
    await sleep(900, task.signal);
    await task.status('upstream answered 503');
    await task.fail({ code: -32603, message: 'the upstream service is down' });
  });
  taskTool(server, 'ephemeral', `Done in a second; kept ${SHORT_TTL / 1000} s after that`, async (task) => {
    await task.status('working briefly');
    await sleep(700, task.signal);
    await task.status(`kept for ${SHORT_TTL / 1000} s`);
    await task.complete(text('done, gone soon'));
  }, { ttlMs: SHORT_TTL });
  return server;
});

/** fetch for one principal: the Request goes to the server's handler, with the principal as its auth. */
const fetchAs = (principal) => (input, init) =>
  handler.fetch(new Request(input, init), { authInfo: { token: principal, clientId: principal, scopes: [] } });

/** A client of one principal and its ext-tasks session. */
async function openSession(principal, onInput) {
  const client = new Client({ name: 'www-extension-client', version: '1.0.0' }, {
    versionNegotiation: { mode: 'auto' },
    capabilities: { elicitation: {}, extensions: { [EXTENSION_ID]: {} } },
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(ENDPOINT), { fetch: fetchAs(principal) }));
  const session = createTaskSessionFromClient(client, {
    endpointId: `www:${principal}`,
    rawDispatch: createRawDispatch(ENDPOINT, { fetch: fetchAs(principal) }),
    v2RequestFraming: {
      protocolVersion: PROTOCOL_VERSION,
      clientInfo: { name: 'www-extension-client', version: '1.0.0' },
      clientCapabilities: { elicitation: {} },
    },
    onInputRequest: (request, context) => onInput(request.params, context.taskId),
  });
  return { id: principal, storeSession: `client:${principal}`, session };
}

const TOOLS = [
  ['countdown', 'Start countdown'],
  ['confirm', 'Ask for input'],
  ['flaky', 'Start failing tool'],
  ['ephemeral', `Start short-ttl (${SHORT_TTL / 1000} s)`],
];

async function main() {
  const table = new TaskTable($('#tasks tbody'), $('#empty'), {
    cancel: (taskId) => current.session.cancelTask(taskId).catch(report),
    answer: (taskId) => inputs.focus(taskId),
    canAnswer: (taskId) => inputs.has(taskId),
  }, $('#announce'));
  const inputs = new InputRequests($('#inputs .list'), $('#inputs .none'), () => table.redrawActions());
  const sessions = new Map();
  for (const id of SESSIONS) sessions.set(id, await openSession(id, (params, taskId) => inputs.ask(params, taskId, id)));
  const outcomes = new Map(); // taskId -> { text, isError }, from the official client's outcome
  let current = null;
  let unsubscribe = () => {};

  const drawStats = () => {
    const s = store.stats();
    $('#stat-tasks').textContent = s.tasks;
    $('#stat-sessions').textContent = s.sessions;
    $('#stat-timers').textContent = s.pendingTimers;
    $('#stat-inputs').textContent = tasks.stats().inputStates;
    $('#stat-listeners').textContent = s.listeners;
    for (const [status, n] of Object.entries(s.byStatus)) $(`#stat-${status}`).textContent = n;
    const seen = table.size;
    $('#visibility-seen').textContent = `${seen} task${seen === 1 ? '' : 's'}`;
    $('#visibility-store').textContent = `${s.tasks} task${s.tasks === 1 ? '' : 's'}`;
  };
  let statsQueued = false;
  const queueStats = () => {
    if (statsQueued) return;
    statsQueued = true;
    queueMicrotask(() => {
      statsQueued = false;
      drawStats();
    });
  };
  store.onStatusChange(queueStats);

  const log = $('#log ol');
  const showOutcome = (taskId) => {
    const o = outcomes.get(taskId);
    if (o) table.setResult(taskId, o.text, o.isError);
  };

  function onEvent(event) {
    const { task } = event;
    const li = document.createElement('li');
    let what = event.type === 'removed' ? `removed (${event.reason})` : event.type === 'status' ? STATUS_LABEL[task.status] : event.type;
    if (event.type === 'status' && task.statusMessage) what += ` “${task.statusMessage}”`;
    li.textContent = `${clockTime(Date.now())} ${shortId(task.taskId)} ${what}`;
    log.prepend(li);
    while (log.children.length > LOG_LENGTH) log.lastElementChild.remove();
    if (event.type === 'removed') {
      table.remove(task.taskId);
      inputs.drop(task.taskId);
      return;
    }
    table.upsert(task);
    if (TERMINAL.has(task.status)) inputs.drop(task.taskId);
    showOutcome(task.taskId);
  }

  async function show(id) {
    unsubscribe();
    current = sessions.get(id);
    table.clear();
    log.replaceChildren();
    inputs.show(id);
    document.querySelectorAll('.session-name').forEach((el) => (el.textContent = id));
    unsubscribe = store.onStatusChange(onEvent, { sessionId: current.storeSession });
    // The extension has no tasks/list: the page reads the session's tasks from the store.
    let cursor;
    do {
      const page = await store.listTasks(cursor, current.storeSession);
      for (const task of page.tasks) {
        table.upsert(task);
        showOutcome(task.taskId);
      }
      cursor = page.nextCursor;
    } while (cursor);
    queueStats();
  }

  async function start(name) {
    const session = current;
    const execution = await session.session.callTool(name, {});
    if (execution.kind !== 'task') throw new Error(`${name} did not run as a task`);
    const { taskId } = execution.handle;
    const outcome = await execution.result();
    if (outcome.status === 'completed') {
      const result = outcome.result;
      outcomes.set(taskId, { text: result.content?.map((c) => c.text ?? '').join(' ') ?? '', isError: Boolean(result.isError) });
    } else if (outcome.status === 'failed') {
      outcomes.set(taskId, { text: `error ${outcome.error.code}: ${outcome.error.message}`, isError: true });
    } else {
      outcomes.set(taskId, { text: 'cancelled, no result', isError: false });
    }
    if (current === session) showOutcome(taskId);
  }

  for (const [name, label] of TOOLS) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.addEventListener('click', () => start(name).catch(report));
    $('#tools').append(button);
  }
  for (const radio of document.querySelectorAll('input[name="session"]')) {
    radio.addEventListener('change', () => radio.checked && show(radio.value).catch(report));
  }
  await show(document.querySelector('input[name="session"]:checked')?.value ?? SESSIONS[0]);
  drawStats();
  $('#boot').textContent = 'A new store (this tab is not saved over a reload). Ready.';
  document.body.dataset.ready = 'true';
}

main().catch(report);
