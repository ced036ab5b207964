// persistToIndexedDB / restoreFromIndexedDB: the built package (pkg/) served over loopback http
// to headless Chromium (playwright-core), a store saved, the page reloaded, the store restored.
// Then the Node entry's stubs of the same names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
// Only the package and this test's page are served.
const SERVED = [path.join(ROOT, 'pkg') + path.sep, path.join(ROOT, 'tests', 'js', 'fixtures', 'persist') + path.sep];
const PAGE = '/tests/js/fixtures/persist/page.html';
const skip = !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`;
const browserTest = (name, fn) => test(name, { skip, timeout: 60_000 }, fn);

let server;
let origin;
let browser;

before(async () => {
  if (skip) return;
  server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = path.resolve(path.join(ROOT, decodeURIComponent(url.pathname)));
    if (!SERVED.some((dir) => file.startsWith(dir))) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

async function ready(page) {
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 30_000 });
  const error = await page.evaluate(() => window.__error);
  assert.equal(error, undefined, error);
}

/** A page of its own (a new browser context: its own IndexedDB), with the package loaded. */
async function openPage(t) {
  const page = await browser.newPage();
  t.after(() => page.context().close());
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(origin + PAGE);
  await ready(page);
  return { page, errors };
}

async function reload(page) {
  await page.reload();
  await ready(page);
}

async function noUnhandledRejections(page) {
  assert.deepEqual(await page.evaluate(() => window.__unhandled), []);
}

browserTest('save(), reload, restoreFromIndexedDB: the tasks, the result and an old cursor are back; the 300 ms task goes at its deadline', async (t) => {
  const { page, errors } = await openPage(t);
  const before = await page.evaluate(async () => {
    const { InMemoryTaskStore, persistToIndexedDB } = window.lib;
    const req = { method: 'tools/call', params: { name: 'slow' } };
    const store = new InMemoryTaskStore({ pageSize: 2 });
    const done = await store.createTask({ ttl: 60_000 }, 1, req, 'S');
    const result = { content: [{ type: 'text', text: 'kept across the reload' }], structuredContent: { n: 1 } };
    await store.storeTaskResult(done.taskId, 'completed', result, 'S');
    const working = await store.createTask({ ttl: 60_000 }, 2, req, 'S');
    await store.updateTaskStatus(working.taskId, 'working', 'step 2 of 3', 'S');
    const short = await store.createTask({ ttl: 300 }, 3, req, 'S');
    const later = await store.createTask({ ttl: 60_000 }, 4, req, 'S');
    const page1 = await store.listTasks(undefined, 'S');
    const page2 = await store.listTasks(page1.nextCursor, 'S');
    const saver = persistToIndexedDB(store, { name: 'reload', intervalMs: 600_000 });
    const t0 = Date.now();
    const saving = saver.save();
    const isPromise = saving instanceof Promise;
    const value = await saving;
    const t1 = Date.now();
    const record = await window.idb.read('reload');
    const ids = { done: done.taskId, working: working.taskId, short: short.taskId, later: later.taskId };
    const tasks = {};
    for (const [key, id] of Object.entries(ids)) tasks[key] = await store.getTask(id, 'S');
    return {
      ids, tasks, result, isPromise, value, t0, t1,
      page1: page1.tasks.map((task) => task.taskId),
      page2: page2.tasks.map((task) => task.taskId),
      cursor: page1.nextCursor,
      deadline: Date.parse(short.createdAt) + 300,
      record: { keys: Object.keys(record).sort(), snapshot: typeof record.snapshot, savedAt: record.savedAt, restorable: window.lib.InMemoryTaskStore.restore(record.snapshot).size },
    };
  });
  assert.equal(before.isPromise, true);
  assert.equal(before.value, undefined);
  assert.deepEqual(before.page1, [before.ids.done, before.ids.working]);
  assert.deepEqual(before.page2, [before.ids.short, before.ids.later]);
  // One record: the snapshot string and when it was saved.
  assert.deepEqual(before.record.keys, ['savedAt', 'snapshot']);
  assert.equal(before.record.snapshot, 'string');
  assert.ok(before.record.savedAt >= before.t0 && before.record.savedAt <= before.t1, `savedAt ${before.record.savedAt} in [${before.t0}, ${before.t1}]`);
  assert.equal(before.record.restorable, 4);

  await reload(page);
  const after = await page.evaluate(async ({ ids, cursor, deadline }) => {
    const { restoreFromIndexedDB, InMemoryTaskStore } = window.lib;
    const store = await restoreFromIndexedDB('reload', { pageSize: 2 });
    const restoredAt = Date.now();
    const shortBeforeDeadline = restoredAt < deadline - 20 ? await store.getTask(ids.short, 'S') : 'too late to look';
    const tasks = {};
    for (const key of ['done', 'working', 'later']) tasks[key] = await store.getTask(ids[key], 'S');
    const result = await store.getTaskResult(ids.done, 'S');
    const otherSession = await store.getTask(ids.done, 'T');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now()) + 50));
    const shortAfterDeadline = await store.getTask(ids.short, 'S');
    const page = await store.listTasks(cursor, 'S');
    const again = await restoreFromIndexedDB('reload', { pageSize: 2 });
    return {
      isStore: store instanceof InMemoryTaskStore,
      tasks, result, otherSession, shortBeforeDeadline, shortAfterDeadline,
      pageAfterDeadline: page.tasks.map((task) => task.taskId),
      size: store.size,
      againSize: again.size,
      againShort: await again.getTask(ids.short, 'S'),
    };
  }, before);
  assert.equal(after.isStore, true);
  assert.deepEqual(after.tasks.done, before.tasks.done);
  assert.equal(after.tasks.done.status, 'completed');
  assert.deepEqual(after.result, before.result);
  assert.deepEqual(after.tasks.working, before.tasks.working);
  assert.equal(after.tasks.working.statusMessage, 'step 2 of 3');
  assert.deepEqual(after.tasks.later, before.tasks.later);
  assert.equal(after.otherSession, null, 'the owner session is kept');
  if (after.shortBeforeDeadline !== 'too late to look') assert.deepEqual(after.shortBeforeDeadline, before.tasks.short);
  assert.equal(after.shortAfterDeadline, null);
  // The cursor handed out before the reload: the rest of the list, without the expired task.
  assert.deepEqual(after.pageAfterDeadline, [before.ids.later]);
  assert.equal(after.size, 3);
  assert.equal(after.againSize, 3, 'restored after the deadline: left out');
  assert.equal(after.againShort, null);
  await noUnhandledRejections(page);
  assert.deepEqual(errors, []);
});

browserTest('pagehide saves: a change after the last save() is there after a reload, and after navigating away and back', async (t) => {
  const { page, errors } = await openPage(t);
  const ids = await page.evaluate(async () => {
    const { InMemoryTaskStore, persistToIndexedDB } = window.lib;
    const req = { method: 'tools/call' };
    const store = new InMemoryTaskStore();
    const task = await store.createTask({ ttl: 60_000 }, 1, req);
    const saver = persistToIndexedDB(store, { name: 'pagehide', intervalMs: 600_000 });
    await saver.save();
    // Not saved by anyone but the pagehide listener: the document says it stays visible while
    // unloading, so the visibilitychange listener does not save.
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    await store.updateTaskStatus(task.taskId, 'input_required', 'changed after the last save');
    const added = await store.createTask({ ttl: 60_000 }, 2, req);
    return { task: task.taskId, added: added.taskId };
  });
  await reload(page);
  const afterReload = await page.evaluate(async (ids) => {
    const { restoreFromIndexedDB, persistToIndexedDB } = window.lib;
    const store = await restoreFromIndexedDB('pagehide');
    const out = { task: await store.getTask(ids.task), added: await store.getTask(ids.added), size: store.size };
    const saver = persistToIndexedDB(store, { name: 'pagehide', intervalMs: 600_000 });
    await saver.save();
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    await store.storeTaskResult(ids.task, 'completed', { content: [{ type: 'text', text: 'stored before leaving' }] });
    return out;
  }, ids);
  assert.equal(afterReload.size, 2);
  assert.equal(afterReload.task.status, 'input_required');
  assert.equal(afterReload.task.statusMessage, 'changed after the last save');
  assert.equal(afterReload.added.status, 'working');

  await page.goto('about:blank');
  await page.goto(origin + PAGE);
  await ready(page);
  const afterReturn = await page.evaluate(async (ids) => {
    const store = await window.lib.restoreFromIndexedDB('pagehide');
    return { task: await store.getTask(ids.task), result: await store.getTaskResult(ids.task) };
  }, ids);
  assert.equal(afterReturn.task.status, 'completed');
  assert.deepEqual(afterReturn.result, { content: [{ type: 'text', text: 'stored before leaving' }] });
  await noUnhandledRejections(page);
  assert.deepEqual(errors, []);
});

browserTest('visibilitychange saves when the document becomes hidden, not when it becomes visible', async (t) => {
  const { page, errors } = await openPage(t);
  const r = await page.evaluate(async () => {
    const { InMemoryTaskStore, persistToIndexedDB, restoreFromIndexedDB } = window.lib;
    const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const messageSaved = async (taskId) => (await (await restoreFromIndexedDB('visibility')).getTask(taskId)).statusMessage;
    const store = new InMemoryTaskStore();
    const task = await store.createTask({ ttl: 60_000 }, 1, { method: 'tools/call' });
    const saver = persistToIndexedDB(store, { name: 'visibility', intervalMs: 600_000 });
    await saver.save();
    await store.updateTaskStatus(task.taskId, 'working', 'seen while visible');
    window.setVisibility('visible');
    await wait(300);
    const afterVisible = await messageSaved(task.taskId);
    window.setVisibility('hidden');
    let afterHidden;
    for (let i = 0; i < 100 && afterHidden !== 'seen while visible'; i++) {
      await wait(20);
      afterHidden = await messageSaved(task.taskId);
    }
    window.setVisibility('visible');
    saver.stop();
    return { afterVisible, afterHidden };
  });
  assert.equal(r.afterVisible, undefined, 'visible: nothing saved');
  assert.equal(r.afterHidden, 'seen while visible', 'hidden: saved');
  await noUnhandledRejections(page);
  assert.deepEqual(errors, []);
});

browserTest('the interval saves; stop() ends it and the pagehide and visibilitychange saves; save() still works after stop()', async (t) => {
  const { page, errors } = await openPage(t);
  const r = await page.evaluate(async () => {
    const { InMemoryTaskStore, persistToIndexedDB, restoreFromIndexedDB } = window.lib;
    const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const messageSaved = async (taskId) => (await (await restoreFromIndexedDB('stop')).getTask(taskId))?.statusMessage;
    const store = new InMemoryTaskStore();
    const task = await store.createTask({ ttl: 60_000 }, 1, { method: 'tools/call' });
    const saver = persistToIndexedDB(store, { name: 'stop', intervalMs: 40 });
    await store.updateTaskStatus(task.taskId, 'working', 'saved by the interval');
    let byInterval;
    for (let i = 0; i < 100 && byInterval !== 'saved by the interval'; i++) {
      await wait(20);
      byInterval = await messageSaved(task.taskId);
    }
    saver.stop();
    saver.stop(); // twice: nothing more
    await wait(50); // a save the interval started just before stop() ends
    await store.updateTaskStatus(task.taskId, 'working', 'changed after stop()');
    await wait(300);
    const afterStop = await messageSaved(task.taskId);
    window.setVisibility('hidden');
    await wait(300);
    window.setVisibility('visible');
    const afterHidden = await messageSaved(task.taskId);
    window.__taskId = task.taskId;
    return { byInterval, afterStop, afterHidden, taskId: task.taskId };
  });
  assert.equal(r.byInterval, 'saved by the interval');
  assert.equal(r.afterStop, 'saved by the interval', 'the interval stopped');
  assert.equal(r.afterHidden, 'saved by the interval', 'visibilitychange no longer saves');

  await reload(page);
  const afterReload = await page.evaluate(async (taskId) => {
    const { restoreFromIndexedDB, persistToIndexedDB } = window.lib;
    const store = await restoreFromIndexedDB('stop');
    const message = (await store.getTask(taskId)).statusMessage;
    // save() after stop(): on a connection of its own, closed after it.
    const saver = persistToIndexedDB(store, { name: 'stop', intervalMs: 0 });
    saver.stop();
    await store.updateTaskStatus(taskId, 'working', 'saved after stop()');
    await saver.save();
    const savedAfterStop = (await (await restoreFromIndexedDB('stop')).getTask(taskId)).statusMessage;
    // The database can be deleted at once: no connection of the helper holds it.
    const deleted = await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase('stop');
      request.onsuccess = () => resolve('deleted');
      request.onblocked = () => resolve('blocked');
      request.onerror = () => resolve('error');
    });
    return { message, savedAfterStop, deleted };
  }, r.taskId);
  assert.equal(afterReload.message, 'saved by the interval', 'pagehide no longer saves');
  assert.equal(afterReload.savedAfterStop, 'saved after stop()');
  assert.equal(afterReload.deleted, 'deleted');
  await noUnhandledRejections(page);
  assert.deepEqual(errors, []);
});

browserTest('nothing saved: an empty store with the options given, and reading creates no database', async (t) => {
  const { page, errors } = await openPage(t);
  const r = await page.evaluate(async () => {
    const { restoreFromIndexedDB, persistToIndexedDB, InMemoryTaskStore } = window.lib;
    const req = { method: 'tools/call' };
    const store = await restoreFromIndexedDB('never-saved', { pageSize: 3 });
    const empty = { isStore: store instanceof InMemoryTaskStore, size: store.size, list: await store.listTasks() };
    for (let i = 0; i < 4; i++) await store.createTask({}, i, req);
    const firstPage = (await store.listTasks()).tasks.length;
    const databases = await window.idb.databases();
    const badOptions = await restoreFromIndexedDB('never-saved', { pageSize: 0 }).then(() => 'resolved', (e) => ({ name: e.name, code: e.code, message: e.message }));
    // A database of someone else's by that name: no record of ours, so empty; saving adds our object store beside theirs.
    await window.idb.createForeign('foreign');
    const foreignSize = (await restoreFromIndexedDB('foreign')).size;
    const saver = persistToIndexedDB(store, { name: 'foreign', intervalMs: 0 });
    await saver.save();
    saver.stop();
    const foreignAfterSave = (await restoreFromIndexedDB('foreign')).size;
    const foreignStores = await window.idb.objectStores('foreign');
    return { empty, firstPage, databases, badOptions, foreignSize, foreignAfterSave, foreignStores };
  });
  assert.equal(r.empty.isStore, true);
  assert.equal(r.empty.size, 0);
  assert.deepEqual(r.empty.list, { tasks: [] });
  assert.equal(r.firstPage, 3, 'the options apply');
  assert.deepEqual(r.databases, []);
  assert.equal(r.badOptions.name, 'RangeError');
  assert.equal(r.badOptions.code, -32602);
  assert.match(r.badOptions.message, /pageSize/);
  assert.equal(r.foreignSize, 0);
  assert.equal(r.foreignAfterSave, 4);
  assert.deepEqual(r.foreignStores, ['mcp-task-store', 'other']);
  await noUnhandledRejections(page);
  assert.deepEqual(errors, []);
});

browserTest('a damaged record rejects with the store\'s error, never an empty store', async (t) => {
  const { page, errors } = await openPage(t);
  const r = await page.evaluate(async () => {
    const { InMemoryTaskStore, persistToIndexedDB, restoreFromIndexedDB } = window.lib;
    const failure = (promise) => promise.then(() => 'resolved', (e) => ({ name: e.name, code: e.code, message: e.message }));
    const store = new InMemoryTaskStore();
    await store.createTask({ ttl: 60_000 }, 1, { method: 'tools/call' });
    const saver = persistToIndexedDB(store, { name: 'damaged', intervalMs: 0 });
    await saver.save();
    saver.stop();
    const { snapshot, savedAt } = await window.idb.read('damaged');
    const out = {};
    await window.idb.write('damaged', { snapshot: snapshot.slice(0, snapshot.length / 2), savedAt });
    out.truncated = await failure(restoreFromIndexedDB('damaged'));
    const tampered = JSON.parse(snapshot);
    tampered.tasks[0].record.task.status = 'nope';
    await window.idb.write('damaged', { snapshot: JSON.stringify(tampered), savedAt });
    out.tampered = await failure(restoreFromIndexedDB('damaged'));
    await window.idb.write('damaged', 42);
    out.notARecord = await failure(restoreFromIndexedDB('damaged'));
    await window.idb.write('damaged', { snapshot, savedAt });
    out.intact = (await restoreFromIndexedDB('damaged')).size;
    return out;
  });
  for (const key of ['truncated', 'tampered']) {
    assert.equal(r[key].name, 'RangeError', key);
    assert.equal(r[key].code, -32602, key);
    assert.match(r[key].message, /^Invalid snapshot/, key);
  }
  assert.match(r.tampered.message, /nope/);
  assert.deepEqual(r.notARecord, {
    name: 'TypeError',
    code: -32602,
    message: 'Invalid record in IndexedDB database "damaged": 42 (expected { snapshot: string, savedAt: number }, as persistToIndexedDB writes)',
  });
  assert.equal(r.intact, 1);
  await noUnhandledRejections(page);
  assert.deepEqual(errors, []);
});

browserTest('a background save that fails goes to console.error, never an unhandled rejection; save() rejects with the error', async (t) => {
  const { page, errors } = await openPage(t);
  const r = await page.evaluate(async () => {
    const { InMemoryTaskStore, persistToIndexedDB } = window.lib;
    const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const store = new InMemoryTaskStore();
    const saver = persistToIndexedDB(store, { name: 'failing', intervalMs: 30 });
    await saver.save();
    store.free(); // snapshot() throws from now on
    await wait(150);
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
    window.setVisibility('hidden');
    await wait(50);
    saver.stop();
    window.setVisibility('visible');
    const rejected = await saver.save().then(() => 'resolved', (e) => ({ name: e.name, code: e.code }));
    return { rejected };
  });
  assert.deepEqual(r.rejected, { name: 'TypeError', code: -32602 });
  const prefix = 'mcp-task-store-wasm: saving to IndexedDB database "failing"';
  const ours = errors.filter((e) => e.startsWith(prefix));
  assert.deepEqual(ours.filter((e) => !/^mcp-task-store-wasm: saving to IndexedDB database "failing" (on its interval|on pagehide|when the page was hidden) failed: TypeError: Invalid this: a freed object/.test(e)), []);
  assert.ok(ours.some((e) => e.includes('on its interval')), 'the interval reports');
  assert.ok(ours.some((e) => e.includes('on pagehide')), 'pagehide reports');
  assert.ok(ours.some((e) => e.includes('when the page was hidden')), 'visibilitychange reports');
  assert.deepEqual(errors.filter((e) => !e.startsWith(prefix)), []);
  await noUnhandledRejections(page);
});

browserTest('every browser entry exports the helpers (the same functions); bad arguments throw -32602; the file helpers say to use IndexedDB (-32603)', async (t) => {
  const { page, errors } = await openPage(t);
  const r = await page.evaluate(async () => {
    const names = ['persistToIndexedDB', 'restoreFromIndexedDB', 'persistToFile', 'restoreFromFile'];
    const main = window.lib;
    const init = await import('/pkg/init.mjs');
    const inline = await import('/pkg/inline.mjs');
    const same = names.every((name) => typeof main[name] === 'function' && init[name] === main[name] && inline[name] === main[name]);
    const thrown = (f) => {
      try {
        const value = f();
        return value instanceof Promise ? 'returned a Promise' : 'returned';
      } catch (e) {
        return { name: e.name, code: e.code, message: e.message };
      }
    };
    const rejected = async (f) => {
      let promise;
      try {
        promise = f();
      } catch (e) {
        return 'threw';
      }
      return promise.then(() => 'resolved', (e) => ({ name: e.name, code: e.code, message: e.message }));
    };
    const store = new main.InMemoryTaskStore();
    return {
      same,
      persistToFile: thrown(() => main.persistToFile(store, './tasks.json')),
      restoreFromFile: await rejected(() => main.restoreFromFile('./tasks.json')),
      noStore: thrown(() => main.persistToIndexedDB(null, { name: 'x' })),
      noOptions: thrown(() => main.persistToIndexedDB(store)),
      noName: thrown(() => main.persistToIndexedDB(store, {})),
      negative: thrown(() => main.persistToIndexedDB(store, { name: 'x', intervalMs: -1 })),
      notANumber: thrown(() => main.persistToIndexedDB(store, { name: 'x', intervalMs: '5000' })),
      restoreNoName: await rejected(() => main.restoreFromIndexedDB('')),
      databases: await window.idb.databases(),
    };
  });
  assert.equal(r.same, true);
  assert.deepEqual(r.persistToFile, { name: 'Error', code: -32603, message: 'persistToFile is for Node; in browsers use persistToIndexedDB' });
  assert.deepEqual(r.restoreFromFile, { name: 'Error', code: -32603, message: 'restoreFromFile is for Node; in browsers use restoreFromIndexedDB' });
  for (const key of ['noStore', 'noOptions', 'noName', 'notANumber', 'restoreNoName']) {
    assert.equal(r[key].name, 'TypeError', key);
    assert.equal(r[key].code, -32602, key);
  }
  assert.equal(r.negative.name, 'RangeError');
  assert.equal(r.negative.code, -32602);
  assert.match(r.noStore.message, /^Invalid store: null/);
  assert.match(r.noName.message, /^Invalid name: undefined/);
  assert.match(r.negative.message, /^Invalid options\.intervalMs: -1/);
  assert.deepEqual(r.databases, [], 'a rejected call opens nothing');
  await noUnhandledRejections(page);
  assert.deepEqual(errors, []);
});

test('Node: the IndexedDB helpers of every Node entry throw / reject with an Error, code -32603, naming the file helpers', async () => {
  const require = createRequire(import.meta.url);
  const cjs = require('mcp-task-store-wasm');
  const entries = [cjs, require('mcp-task-store-wasm/init'), await import('mcp-task-store-wasm'), await import('mcp-task-store-wasm/init'), await import('mcp-task-store-wasm/inline')];
  for (const entry of entries) {
    assert.equal(entry.persistToIndexedDB, cjs.persistToIndexedDB);
    assert.equal(entry.restoreFromIndexedDB, cjs.restoreFromIndexedDB);
  }
  const store = new cjs.InMemoryTaskStore();
  assert.throws(() => cjs.persistToIndexedDB(store, { name: 'tasks' }), (e) => {
    assert.equal(e.constructor, Error);
    assert.equal(e.code, -32603);
    assert.equal(e.message, 'persistToIndexedDB is for browsers; in Node use persistToFile');
    return true;
  });
  const pending = cjs.restoreFromIndexedDB('tasks');
  assert.ok(pending instanceof Promise, 'rejects rather than throws');
  await assert.rejects(pending, (e) => {
    assert.equal(e.constructor, Error);
    assert.equal(e.code, -32603);
    assert.equal(e.message, 'restoreFromIndexedDB is for browsers; in Node use restoreFromFile');
    return true;
  });
});
