// The browser demo (www/) in headless Chromium (playwright-core): built with Vite into a temp dir,
// served on 127.0.0.1, and used as a person would: each tool started, the countdown followed to
// its end, the question answered with the keyboard, a task cancelled, the short-ttl task watched
// until it leaves, the sessions switched, the page reloaded; then the second tab, the same tools
// over the 2026-07-28 Tasks extension. Asserts on visible text only; fails on any console error.
// Screenshots at 1280×800 and 360×740 go to tmp-www-shots/ (git-ignored).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, ROOT, buildWww, launchChromium, rowOf, serveDir, startTool } from '../../scripts/www.mjs';

const PKG = path.join(ROOT, 'node_modules', 'mcp-task-store-wasm', 'package.json');
const SHOTS = path.join(ROOT, 'tmp-www-shots');
const skip = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM}`
  : !existsSync(PKG) && 'node_modules/mcp-task-store-wasm is missing (run `make pkg`)';

const SHORT_TTL = 6_000;
const text = async (locator) => (await locator.innerText()).trim();
/** Waits until the locator's text matches (a string: contains it). */
const until = (locator, match, timeout = 15_000) => locator.filter({ hasText: match }).first().waitFor({ timeout });
const cell = (page, id, name) => rowOf(page, id).locator(`.${name}`);

test('www: the browser demo works in Chromium, keeps its tasks over a reload, and is tidy at 1280×800 and 360×740', { skip, timeout: 170_000 }, async (t) => {
  const cleanups = [];
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });
  const out = await mkdtemp(path.join(os.tmpdir(), 'mcp-task-store-wasm-www-test-'));
  cleanups.push(() => rm(out, { recursive: true, force: true }));
  await mkdir(SHOTS, { recursive: true });

  // ---- the build: two pages, their scripts, one style sheet and the store's .wasm; nothing of Node ----
  const files = await buildWww(out);
  assert.ok(files.includes('index.html') && files.includes('extension.html'), files.join(', '));
  assert.equal(files.filter((f) => f.endsWith('.wasm')).length, 1, files.join(', '));
  assert.equal(files.filter((f) => f.endsWith('.css')).length, 1, files.join(', '));
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const js = await readFile(path.join(out, file), 'utf8');
    assert.doesNotMatch(js, /__vite-browser-external/, `a Node module was stubbed into ${file}`);
  }

  const site = await serveDir(out);
  cleanups.push(() => site.close());
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console.error: ${m.text()}`));
  const noErrors = () => assert.deepEqual(errors, [], 'the page reported errors');

  async function open() {
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    return text(page.locator('#boot'));
  }
  await page.goto(`${site.origin}/`);
  assert.equal(await open(), 'No saved tasks: a new store. Ready.');
  assert.equal(await text(page.locator('#empty')), 'No tasks in session alice. Call a tool above.');
  const ids = {};

  await t.test('countdown: working with T-n in the status message, then completed with its result', async () => {
    const id = (ids.countdown = await startTool(page, 'Start countdown'));
    await until(cell(page, id, 'status'), 'working');
    await until(cell(page, id, 'message'), /^T-[1-5]$/);
    assert.match(await text(cell(page, id, 'ttl')), /^(9|10) min/);
    assert.equal(await text(cell(page, id, 'actions').getByRole('button')), 'Cancel');
    await until(cell(page, id, 'status'), 'completed');
    assert.equal(await text(cell(page, id, 'message')), 'liftoff');
    await until(cell(page, id, 'result'), 'liftoff after 5 steps');
    assert.equal(await cell(page, id, 'actions').getByRole('button').count(), 0, 'no buttons on an ended task');
    assert.match(await text(cell(page, id, 'created')), /^\d\d:\d\d:\d\d$/);
    assert.match(await text(cell(page, id, 'updated')), /^\d\d:\d\d:\d\d$/);
  });

  await t.test('input: the question shows as a form, answered with the keyboard, the answer reaches the tool', async () => {
    const id = (ids.confirm = await startTool(page, 'Ask for input'));
    await until(cell(page, id, 'status'), 'input required');
    const form = page.locator('#inputs form');
    await until(form, `Task ${id} asks: Ship the release today?`);
    assert.equal(await text(cell(page, id, 'message')), 'waiting for your answer');
    // The row's Answer button takes the focus to the form; arrow keys pick "No", Tab goes to the note.
    await cell(page, id, 'actions').getByRole('button', { name: /^Answer/ }).focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.value), 'yes');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    await page.keyboard.type('not on a Friday');
    await page.keyboard.press('Enter');
    await until(cell(page, id, 'status'), 'completed');
    await until(cell(page, id, 'result'), 'answer: no (“not on a Friday”)');
    assert.equal(await text(page.locator('#inputs .none')), 'Nothing to answer.');
    assert.equal(await form.count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Nothing to answer.', 'the keyboard stays in the panel');
    assert.equal(await page.locator('#announce').textContent(), `Task ${id} is completed.`, 'the live region');
  });

  await t.test('failing tool: failed, with the error result', async () => {
    const id = (ids.flaky = await startTool(page, 'Start failing tool'));
    await until(cell(page, id, 'message'), 'calling upstream…');
    await until(cell(page, id, 'status'), 'failed');
    await until(cell(page, id, 'result'), 'failed: the upstream service is down');
  });

  await t.test('cancel: a running countdown is cancelled and stays cancelled when its steps would have gone on', async () => {
    const id = (ids.cancelled = await startTool(page, 'Start countdown'));
    await until(cell(page, id, 'message'), 'T-4');
    await cell(page, id, 'actions').getByRole('button', { name: `Cancel task ${id}` }).click();
    await until(cell(page, id, 'status'), 'cancelled');
    assert.equal(await text(cell(page, id, 'message')), 'Client cancelled task execution.');
    assert.equal(await text(cell(page, id, 'result')), 'cancelled, no result');
    await page.waitForTimeout(1500); // past two more countdown steps
    assert.equal(await text(cell(page, id, 'status')), 'cancelled');
    assert.equal(await text(cell(page, id, 'message')), 'Client cancelled task execution.');
  });

  await t.test('short ttl: the task counts down its ttl and leaves the table at its deadline', async () => {
    const id = await startTool(page, `Start short-ttl (${SHORT_TTL / 1000} s)`);
    await until(cell(page, id, 'status'), 'completed');
    const completedAt = Date.now();
    await until(cell(page, id, 'result'), 'done, gone soon');
    assert.match(await text(cell(page, id, 'ttl')), /^[1-6] s$/);
    await until(cell(page, id, 'ttl'), /^[1-3] s$/, SHORT_TTL);
    await rowOf(page, id).waitFor({ state: 'detached', timeout: SHORT_TTL + 3000 });
    const gone = Date.now() - completedAt;
    assert.ok(gone > SHORT_TTL - 1000 && gone < SHORT_TTL + 1500, `left ${gone} ms after it completed (ttl ${SHORT_TTL} ms)`);
    await until(page.locator('#log li'), `${id} removed (expired)`);
  });

  await t.test('stats(): live tasks by status, one pending timer', async () => {
    const figures = async () => Object.fromEntries(await page.locator('#stats dl div').evaluateAll((divs) =>
      divs.map((d) => [d.querySelector('dt').innerText.trim(), d.querySelector('dd').innerText.trim()])));
    assert.deepEqual(await figures(), {
      'Live tasks': '4', Sessions: '1', 'Pending timers': '1', Waiters: '0', Listeners: '2',
      working: '0', 'input required': '0', completed: '2', failed: '1', cancelled: '1',
    });
    assert.equal(await text(page.locator('#visibility')),
      "Session alice sees 4 tasks of the store's 4 tasks; the other session's are not visible here.");
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 1280, 'no sideways scrolling');
    await page.screenshot({ path: path.join(SHOTS, 'www-1280x800.png') });
  });

  await t.test("sessions: bob sees none of alice's tasks, alice none of bob's (switched with the arrow keys)", async () => {
    await page.getByRole('radio', { name: 'alice' }).focus();
    await page.keyboard.press('ArrowRight');
    await until(page.locator('#tasks h2'), 'Tasks of session bob');
    await until(page.locator('#empty'), 'No tasks in session bob.');
    assert.equal(await page.locator('#tasks tbody tr').count(), 0);
    assert.equal(await text(page.locator('#visibility')),
      "Session bob sees 0 tasks of the store's 4 tasks; the other session's are not visible here.");
    const body = await text(page.locator('body'));
    for (const id of Object.values(ids)) assert.ok(!body.includes(id), `bob's page shows alice's task ${id}`);

    const id = (ids.bob = await startTool(page, 'Start countdown'));
    await until(cell(page, id, 'status'), 'completed');
    assert.equal(await page.locator('#tasks tbody tr').count(), 1);
    await until(page.locator('#stat-sessions'), '2');
    assert.equal(await text(page.locator('#stat-tasks')), '5');

    await page.getByRole('radio', { name: 'bob' }).focus();
    await page.keyboard.press('ArrowLeft');
    await until(page.locator('#tasks h2'), 'Tasks of session alice');
    await until(cell(page, ids.cancelled, 'status'), 'cancelled');
    assert.equal(await page.locator('#tasks tbody tr').count(), 4);
    assert.ok(!(await text(page.locator('body'))).includes(id), "alice's page shows bob's task");
    await until(cell(page, ids.countdown, 'result'), 'liftoff after 5 steps');
  });

  await t.test('reload: the tasks and results are back; work cut off by the reload ends failed; a short ttl still ends on time', async () => {
    const shortId = await startTool(page, `Start short-ttl (${SHORT_TTL / 1000} s)`);
    await until(cell(page, shortId, 'status'), 'completed');
    const asking = await startTool(page, 'Ask for input');
    await page.locator('#inputs form').waitFor();
    const running = await startTool(page, 'Start countdown');
    await until(cell(page, running, 'message'), /^T-[1-5]$/);
    await page.reload();
    assert.equal(await open(), 'Restored 8 tasks from IndexedDB; 2 interrupted by the reload. Ready.');
    const expected = {
      [ids.countdown]: ['completed', 'liftoff after 5 steps'],
      [ids.confirm]: ['completed', 'answer: no (“not on a Friday”)'],
      [ids.flaky]: ['failed', 'failed: the upstream service is down'],
      [ids.cancelled]: ['cancelled', 'cancelled, no result'],
      [shortId]: ['completed', 'done, gone soon'],
      [running]: ['failed', 'the page that ran this work was reloaded'],
      [asking]: ['failed', 'the page that ran this work was reloaded'],
    };
    for (const [id, [status, result]] of Object.entries(expected)) {
      await until(cell(page, id, 'status'), status);
      await until(cell(page, id, 'result'), result);
    }
    assert.equal(await text(cell(page, running, 'message')), 'interrupted by a reload');
    assert.equal(await text(cell(page, asking, 'message')), 'interrupted by a reload');
    // Its result came by tasks/result, which delivers any question still queued before the result.
    assert.equal(await page.locator('#inputs form').count(), 0, 'the question of the interrupted task is asked again');
    assert.equal(await text(page.locator('#inputs .none')), 'Nothing to answer.');
    assert.equal(await page.locator('#tasks tbody tr').count(), 7);
    assert.equal(await rowOf(page, ids.bob).count(), 0);
    await rowOf(page, shortId).waitFor({ state: 'detached', timeout: SHORT_TTL + 3000 });
    await until(page.locator('#stat-tasks'), '7');
  });

  await t.test('away past a deadline: the expired task is not restored, the others are', async () => {
    const id = await startTool(page, `Start short-ttl (${SHORT_TTL / 1000} s)`);
    await until(cell(page, id, 'status'), 'completed');
    await page.goto('about:blank');
    await page.waitForTimeout(SHORT_TTL + 500);
    await page.goto(`${site.origin}/`);
    assert.equal(await open(), 'Restored 7 tasks from IndexedDB. Ready.');
    await until(cell(page, ids.countdown, 'result'), 'liftoff after 5 steps');
    assert.equal(await page.locator('#tasks tbody tr').count(), 6);
    assert.equal(await rowOf(page, id).count(), 0);
    assert.equal(await text(page.locator('#stat-tasks')), '7');
  });

  await t.test('phone width 360×740: one column, nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.getByRole('button', { name: 'Ask for input' }).click();
    await page.locator('#inputs form').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360, 'no sideways scrolling');
    const box = await page.locator('#tasks').boundingBox();
    assert.ok(box.width <= 360, `the task list is ${box.width} px wide`);
    await page.screenshot({ path: path.join(SHOTS, 'www-360x740.png') });
    await page.screenshot({ path: path.join(SHOTS, 'www-360x740-full.png'), fullPage: true });
    await page.getByRole('button', { name: 'Decline' }).click();
    await until(page.locator('#tasks tbody tr .result'), 'no answer (decline)');
  });

  await t.test('the second tab: the same tools over the 2026-07-28 Tasks extension with the official ext-tasks client', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('link', { name: 'Tasks extension · 2026-07-28' }).click();
    await page.waitForURL(/\/extension\.html$/);
    assert.equal(await open(), 'A new store (this tab is not saved over a reload). Ready.');
    assert.equal(await text(page.locator('h1')), 'The Tasks extension, live in this tab');
    const countdown = await startTool(page, 'Start countdown');
    await until(cell(page, countdown, 'message'), /^T-[1-5]$/);
    await until(cell(page, countdown, 'status'), 'completed');
    await until(cell(page, countdown, 'result'), 'liftoff after 5 steps');

    const asking = await startTool(page, 'Ask for input');
    await until(cell(page, asking, 'status'), 'input required');
    await until(page.locator('#inputs form'), `Task ${asking} asks: Ship the release today?`);
    assert.equal(await text(page.locator('#stat-inputs')), '1'); // TasksExtension.stats().inputStates
    await page.locator('#inputs input[name="note"]').fill('via tasks/update');
    await page.getByRole('button', { name: 'Send answer' }).click();
    await until(cell(page, asking, 'status'), 'completed');
    await until(cell(page, asking, 'result'), 'answer: yes (“via tasks/update”)');

    const flaky = await startTool(page, 'Start failing tool');
    await until(cell(page, flaky, 'status'), 'failed');
    await until(cell(page, flaky, 'result'), 'error -32603: the upstream service is down');

    const cancelled = await startTool(page, 'Start countdown');
    await until(cell(page, cancelled, 'message'), 'T-4');
    await cell(page, cancelled, 'actions').getByRole('button', { name: `Cancel task ${cancelled}` }).click();
    await until(cell(page, cancelled, 'status'), 'cancelled');
    await until(cell(page, cancelled, 'result'), 'cancelled, no result');
    await until(page.locator('#stat-tasks'), '4');
    await page.screenshot({ path: path.join(SHOTS, 'www-extension-1280x800.png') });

    await page.getByRole('radio', { name: 'bob' }).check();
    await until(page.locator('#empty'), 'No tasks in session bob.');
    assert.equal(await text(page.locator('#visibility')),
      "Session bob sees 0 tasks of the store's 4 tasks; the other session's are not visible here.");
    const mine = await startTool(page, 'Start failing tool');
    await until(cell(page, mine, 'status'), 'failed');
    await page.getByRole('radio', { name: 'alice' }).check();
    await until(cell(page, countdown, 'result'), 'liftoff after 5 steps');
    assert.equal(await page.locator('#tasks tbody tr').count(), 4);
    assert.equal(await rowOf(page, mine).count(), 0);
  });

  noErrors();
});
