// The page: one InMemoryTaskStore (restored from IndexedDB, saved back to it), two sessions each
// with an MCP server and client on it, a table of the shown session's tasks fed by the store's
// events, the store's stats(), and the forms for input requests.
import { InMemoryTaskStore, persistToIndexedDB, restoreFromIndexedDB } from 'mcp-task-store-wasm';
import { TOOLS, openSession } from './mcp.js';
import { TaskTable } from './table.js';
import { InputRequests } from './input.js';
import { STATUS_LABEL, TERMINAL, clockTime, shortId } from './format.js';

const DB_NAME = 'mcp-task-store-wasm-www';
const STORE_OPTIONS = { defaultPollInterval: 250, maxTtl: 60 * 60_000 };
const SESSIONS = ['alice', 'bob'];
const LOG_LENGTH = 12;

const $ = (selector) => document.querySelector(selector);
const bootLine = $('#boot');

/** Errors the page cannot recover from go to the boot line (and the console). */
function report(error) {
  console.error(error);
  bootLine.textContent = `Something went wrong: ${error?.message ?? error}`;
  bootLine.classList.add('error');
}

/**
 * Tasks still running when the page went away lost their work with it: the restored store still
 * holds them, so they are ended here, failed, with a note saying why.
 */
async function endInterruptedWork(store, queue) {
  const interrupted = store.getAllTasks().filter((task) => !TERMINAL.has(task.status));
  for (const { taskId } of interrupted) {
    await queue.dequeueAll(taskId); // a question whose asker is gone
    await store.updateTaskStatus(taskId, 'working', 'interrupted by a reload');
    await store.storeTaskResult(taskId, 'failed', {
      content: [{ type: 'text', text: 'the page that ran this work was reloaded' }],
      isError: true,
    });
  }
  return interrupted.length;
}

/** The saved store, or a new one if nothing is saved or what is saved cannot be read. */
async function openStore() {
  try {
    return { store: await restoreFromIndexedDB(DB_NAME, STORE_OPTIONS) };
  } catch (error) {
    console.warn('the saved tasks could not be restored; starting with a new store', error);
    return { store: new InMemoryTaskStore(STORE_OPTIONS), unreadable: error };
  }
}

async function main() {
  const { store, unreadable } = await openStore();
  const restored = store.size;
  const queue = store.messageQueue();
  const interrupted = await endInterruptedWork(store, queue);
  persistToIndexedDB(store, { name: DB_NAME, intervalMs: 1000 });

  const table = new TaskTable($('#tasks tbody'), $('#empty'), {
    cancel: (taskId) => cancel(taskId),
    answer: (taskId) => inputs.focus(taskId),
    canAnswer: (taskId) => inputs.has(taskId),
  }, $('#announce'));
  const inputs = new InputRequests($('#inputs .list'), $('#inputs .none'), () => table.redrawActions());

  const sessions = new Map();
  for (const id of SESSIONS) {
    sessions.set(id, await openSession(id, store, queue, (params, taskId) => inputs.ask(params, taskId, id)));
  }
  let current = null; // the shown session
  let unsubscribe = () => {};
  const results = new Map(); // taskId -> { text, isError }: a result never changes once stored

  // ---- the store's figures, redrawn after any change in any session ----
  let statsQueued = false;
  const drawStats = () => {
    statsQueued = false;
    const s = store.stats();
    $('#stat-tasks').textContent = s.tasks;
    $('#stat-sessions').textContent = s.sessions;
    $('#stat-timers').textContent = s.pendingTimers;
    $('#stat-waiters').textContent = s.waiters;
    $('#stat-listeners').textContent = s.listeners;
    for (const [status, n] of Object.entries(s.byStatus)) $(`#stat-${status}`).textContent = n;
    const seen = table.size;
    $('#visibility-seen').textContent = `${seen} task${seen === 1 ? '' : 's'}`;
    $('#visibility-store').textContent = `${s.tasks} task${s.tasks === 1 ? '' : 's'}`;
  };
  const queueStats = () => {
    if (statsQueued) return;
    statsQueued = true;
    queueMicrotask(drawStats);
  };
  store.onStatusChange(queueStats);

  // ---- the shown session: its rows follow its events ----
  const log = $('#log ol');
  function logEvent(event) {
    const li = document.createElement('li');
    const { task } = event;
    let what = event.type === 'removed' ? `removed (${event.reason})` : event.type === 'status' ? STATUS_LABEL[task.status] : event.type;
    if (event.type === 'status' && task.statusMessage) what += ` “${task.statusMessage}”`;
    li.textContent = `${clockTime(Date.now())} ${shortId(task.taskId)} ${what}`;
    log.prepend(li);
    while (log.children.length > LOG_LENGTH) log.lastElementChild.remove();
  }

  async function loadResult(session, task) {
    if (!['completed', 'failed'].includes(task.status)) return;
    let result = results.get(task.taskId);
    if (!result) {
      try {
        result = { text: await session.resultText(task.taskId), isError: task.status === 'failed' };
      } catch (error) {
        if (!table.has(task.taskId)) return; // gone meanwhile (expired): nothing to show
        throw error;
      }
      results.set(task.taskId, result);
    }
    if (current === session) table.setResult(task.taskId, result.text, result.isError);
  }

  function onEvent(session, event) {
    const { task } = event;
    logEvent(event);
    if (event.type === 'removed') {
      table.remove(task.taskId);
      inputs.drop(task.taskId);
      results.delete(task.taskId);
      return;
    }
    table.upsert(task);
    if (TERMINAL.has(task.status)) {
      inputs.drop(task.taskId);
      if (task.status === 'cancelled') table.setResult(task.taskId, 'cancelled, no result', false);
      else loadResult(session, task).catch(report);
    }
  }

  let showing = 0;
  async function show(sessionId) {
    const generation = ++showing;
    const session = sessions.get(sessionId);
    unsubscribe();
    current = session;
    table.clear();
    queueStats();
    log.replaceChildren();
    inputs.show(sessionId);
    document.querySelectorAll('.session-name').forEach((el) => (el.textContent = sessionId));
    // Listen first, then list: a task that changes meanwhile is already up to date in the table.
    const removed = new Set();
    unsubscribe = store.onStatusChange((event) => {
      if (event.type === 'removed') removed.add(event.task.taskId);
      onEvent(session, event);
    }, { sessionId });
    const listed = await session.listTasks(); // over MCP: what this session's client may see
    if (generation !== showing) return;
    for (const task of listed) {
      if (table.has(task.taskId) || removed.has(task.taskId)) continue;
      table.upsert(task);
      if (task.status === 'cancelled') table.setResult(task.taskId, 'cancelled, no result', false);
      else loadResult(session, task).catch(report);
    }
    queueStats();
  }

  async function cancel(taskId) {
    try {
      await current.cancel(taskId); // tasks/cancel over MCP
    } catch (error) {
      // Already ended or gone between the click and the call: the table shows what happened.
      if (error?.code !== -32602) report(error);
    }
  }

  // ---- controls ----
  const toolButtons = $('#tools');
  for (const tool of TOOLS) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = tool.label;
    button.dataset.tool = tool.name;
    button.addEventListener('click', () => {
      current.start(tool).catch(report);
    });
    toolButtons.append(button);
  }
  for (const radio of document.querySelectorAll('input[name="session"]')) {
    radio.addEventListener('change', () => radio.checked && show(radio.value).catch(report));
  }
  $('#clear').addEventListener('click', () => store.cleanup());

  const checked = document.querySelector('input[name="session"]:checked')?.value ?? SESSIONS[0];
  await show(checked);
  drawStats();
  const parts = [
    unreadable ? `The saved tasks could not be read: a new store (${unreadable.message})`
    : restored ? `Restored ${restored} task${restored === 1 ? '' : 's'} from IndexedDB`
    : 'No saved tasks: a new store',
  ];
  if (interrupted) parts.push(`${interrupted} interrupted by the reload`);
  bootLine.textContent = `${parts.join('; ')}. Ready.`;
  document.body.dataset.ready = 'true';
}

main().catch(report);
