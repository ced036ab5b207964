// The live table of one session's tasks. Rows change only when the page hands them a task (from a
// store event or tasks/list); the one-second clock below redraws the "expires in" text only and
// reads nothing from the store: a task leaves the table when the store says it was removed.
import { STATUS_LABEL, TERMINAL, clockTime, deadlineOf, remaining, shortId } from './format.js';

const COLUMNS = [
  ['id', 'Task'],
  ['status', 'Status'],
  ['message', 'Message'],
  ['result', 'Result'],
  ['created', 'Created'],
  ['updated', 'Updated'],
  ['ttl', 'Expires in'],
  ['actions', 'Actions'],
];

export class TaskTable {
  /**
   * @param {HTMLTableSectionElement} tbody
   * @param {HTMLElement} empty shown when there is no row
   * @param {{ cancel(taskId): void, answer(taskId): void, canAnswer(taskId): boolean }} actions
   * @param {HTMLElement} [announcer] an aria-live element
   */
  constructor(tbody, empty, actions, announcer) {
    this.tbody = tbody;
    this.empty = empty;
    this.actions = actions;
    this.announcer = announcer; // a polite live region: status changes are read out
    this.rows = new Map(); // taskId -> { tr, cells, task }
    this.clock = null;
  }

  /** Empties the table (another session is shown). */
  clear() {
    if (this.announcer) this.announcer.textContent = '';
    this.rows.clear();
    this.tbody.replaceChildren();
    this.refresh();
  }

  get size() {
    return this.rows.size;
  }

  has(taskId) {
    return this.rows.has(taskId);
  }

  /** Adds the task's row (newest on top) or brings it up to date. */
  upsert(task) {
    let row = this.rows.get(task.taskId);
    if (!row) {
      row = this.#createRow(task.taskId);
      this.rows.set(task.taskId, row);
      this.tbody.prepend(row.tr);
    }
    if (this.announcer && row.task && row.task.status !== task.status) {
      this.announcer.textContent = `Task ${shortId(task.taskId)} is ${STATUS_LABEL[task.status] ?? task.status}.`;
    }
    row.task = task;
    const { cells, tr } = row;
    tr.dataset.status = task.status;
    cells.status.firstChild.textContent = STATUS_LABEL[task.status] ?? task.status;
    cells.status.firstChild.className = `badge ${task.status}`;
    cells.message.textContent = task.statusMessage ?? '';
    cells.created.textContent = clockTime(task.createdAt);
    cells.updated.textContent = clockTime(task.lastUpdatedAt);
    this.#drawActions(row);
    this.#drawTtl(row, Date.now());
    this.refresh();
  }

  /** Sets the result text shown for a task. */
  setResult(taskId, text, isError) {
    const row = this.rows.get(taskId);
    if (!row) return;
    row.cells.result.textContent = text;
    row.cells.result.classList.toggle('error', Boolean(isError));
  }

  /** The task is gone from the store: its row leaves. */
  remove(taskId) {
    const row = this.rows.get(taskId);
    if (!row) return;
    row.tr.remove();
    this.rows.delete(taskId);
    this.refresh();
  }

  /** Redraws the buttons (an input form appeared or went). */
  redrawActions() {
    for (const row of this.rows.values()) this.#drawActions(row);
  }

  /** The empty note, and the ttl clock: running only while a row has a deadline to count down. */
  refresh() {
    this.empty.hidden = this.rows.size > 0;
    const counting = [...this.rows.values()].some((row) => deadlineOf(row.task ?? {}) != null);
    if (counting && !this.clock) {
      this.clock = setInterval(() => {
        const now = Date.now();
        for (const row of this.rows.values()) this.#drawTtl(row, now);
      }, 1000);
    } else if (!counting && this.clock) {
      clearInterval(this.clock);
      this.clock = null;
    }
  }

  #createRow(taskId) {
    const tr = document.createElement('tr');
    tr.dataset.taskId = taskId;
    const cells = {};
    for (const [key, label] of COLUMNS) {
      const td = document.createElement(key === 'id' ? 'th' : 'td');
      if (key === 'id') td.scope = 'row';
      td.className = key;
      td.dataset.label = label;
      cells[key] = td;
      tr.append(td);
    }
    const code = document.createElement('code');
    code.textContent = shortId(taskId);
    code.title = taskId;
    cells.id.append(code);
    cells.status.append(document.createElement('span'));
    return { tr, cells, task: null };
  }

  #drawActions(row) {
    const { task, cells } = row;
    const buttons = [];
    if (task.status === 'input_required' && this.actions.canAnswer(task.taskId)) {
      buttons.push(this.#button('Answer', `Answer the question of task ${shortId(task.taskId)}`, () => this.actions.answer(task.taskId)));
    }
    if (!TERMINAL.has(task.status)) {
      buttons.push(this.#button('Cancel', `Cancel task ${shortId(task.taskId)}`, () => this.actions.cancel(task.taskId), 'secondary'));
    }
    const same = buttons.length === cells.actions.children.length &&
      buttons.every((b, i) => b.textContent === cells.actions.children[i].textContent);
    if (!same) cells.actions.replaceChildren(...buttons);
  }

  #button(text, label, onClick, kind = '') {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = text;
    button.setAttribute('aria-label', label);
    if (kind) button.className = kind;
    button.addEventListener('click', onClick);
    return button;
  }

  #drawTtl(row, now) {
    const deadline = deadlineOf(row.task);
    row.cells.ttl.textContent = deadline == null ? 'never' : remaining(deadline - now);
  }
}
