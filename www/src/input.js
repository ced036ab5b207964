// Input requests: a server asked the person something (elicitation/create, taken from the task's
// message queue by the client's tasks/result call). Each waits here as a small form until it is
// answered, declined, or its task ends; only the shown session's requests are on screen.
import { shortId } from './format.js';

let formCount = 0;

export class InputRequests {
  /**
   * @param {HTMLElement} list where the forms go
   * @param {HTMLElement} none shown when nothing waits
   * @param {() => void} onChange called when a request comes or goes
   */
  constructor(list, none, onChange) {
    this.list = list;
    this.none = none;
    this.onChange = onChange;
    this.pending = new Map(); // taskId -> { sessionId, params, resolve, form }
    this.sessionId = null;
  }

  /** The client's elicitation handler: resolves with the person's answer. */
  ask(params, taskId, sessionId) {
    return new Promise((resolve) => {
      const key = taskId ?? `untracked-${++formCount}`;
      this.pending.set(key, { sessionId, params, resolve, form: this.#form(key, params) });
      this.#draw();
    });
  }

  /** Whether a form for the task is waiting (its row then shows an Answer button). */
  has(taskId) {
    return this.pending.get(taskId)?.sessionId === this.sessionId;
  }

  /** Moves the keyboard focus to the task's form. */
  focus(taskId) {
    const form = this.pending.get(taskId)?.form;
    form?.scrollIntoView({ block: 'nearest' });
    form?.querySelector('input')?.focus();
  }

  /** The task ended or went: its question no longer needs an answer. */
  drop(taskId) {
    this.#settle(taskId, { action: 'cancel' });
  }

  /** Shows the requests of another session. */
  show(sessionId) {
    this.sessionId = sessionId;
    this.#draw();
  }

  #settle(key, answer) {
    const entry = this.pending.get(key);
    if (!entry) return;
    const hadFocus = entry.form.contains(document.activeElement);
    this.pending.delete(key);
    entry.resolve(answer);
    this.#draw();
    // The keyboard stays in the panel: on the next question, or on "Nothing to answer."
    if (hadFocus) {
      const next = this.list.querySelector('input');
      if (next) next.focus();
      else {
        this.none.tabIndex = -1;
        this.none.focus();
      }
    }
  }

  #draw() {
    const forms = [...this.pending.values()].filter((e) => e.sessionId === this.sessionId).map((e) => e.form);
    this.list.replaceChildren(...forms);
    this.none.hidden = forms.length > 0;
    this.onChange();
  }

  #form(key, params) {
    const id = `ask-${++formCount}`;
    const form = document.createElement('form');
    form.className = 'ask';
    form.setAttribute('aria-labelledby', `${id}-q`);
    const who = key.startsWith('untracked-') ? 'The server' : `Task ${shortId(key)}`;
    form.innerHTML = `
      <p id="${id}-q" class="question"><span class="who"></span> asks: <strong></strong></p>
      <fieldset class="choice">
        <legend>Your answer</legend>
        <label><input type="radio" name="confirm" value="yes" checked> Yes</label>
        <label><input type="radio" name="confirm" value="no"> No</label>
      </fieldset>
      <label class="note">Note (optional) <input name="note" maxlength="80" autocomplete="off"></label>
      <div class="buttons">
        <button type="submit">Send answer</button>
        <button type="button" class="secondary" data-decline>Decline</button>
      </div>`;
    form.querySelector('.who').textContent = who;
    form.querySelector('strong').textContent = params.message;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const content = { confirm: data.get('confirm') === 'yes' };
      const note = String(data.get('note') ?? '').trim();
      if (note) content.note = note;
      this.#settle(key, { action: 'accept', content });
    });
    form.querySelector('[data-decline]').addEventListener('click', () => this.#settle(key, { action: 'decline' }));
    return form;
  }
}
