// Node: persistToFile / restoreFromFile keep a store across restarts: atomic writes, a save on
// an interval and on SIGTERM, a missing file means an empty store, a damaged one is an error.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InMemoryTaskStore, persistToFile, restoreFromFile } from 'mcp-task-store-wasm';

const REQ = { method: 'tools/call' };
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function tempDir(t) {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-persist-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('persistToFile + restoreFromFile: tasks, results and owners come back; writes leave no temporary file', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'tasks.json');
  const store = new InMemoryTaskStore();
  const done = await store.createTask({ ttl: 60_000 }, 1, REQ, 'A');
  await store.storeTaskResult(done.taskId, 'completed', { content: [{ type: 'text', text: 'kept' }] }, 'A');
  const working = await store.createTask({ ttl: null }, 2, REQ);
  const saver = persistToFile(store, file, { intervalMs: 0 });
  saver.save();
  saver.stop();
  assert.deepEqual(await readdir(dir), ['tasks.json']);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const back = await restoreFromFile(file);
  assert.deepEqual(await back.getTask(done.taskId, 'A'), await store.getTask(done.taskId, 'A'));
  assert.deepEqual(await back.getTaskResult(done.taskId, 'A'), { content: [{ type: 'text', text: 'kept' }] });
  assert.equal((await back.getTask(working.taskId)).status, 'working');
  assert.equal(await back.getTask(done.taskId, 'B'), null);
  store.free();
  back.free();
});

test('restoreFromFile: a missing file is an empty store; a damaged or unreadable one rejects', async (t) => {
  const dir = await tempDir(t);
  const empty = await restoreFromFile(join(dir, 'none.json'), { pageSize: 5 });
  assert.equal(empty.size, 0);
  empty.free();
  await writeFile(join(dir, 'bad.json'), '{"format":"mcp-task-store-snapshot","version":1,');
  await assert.rejects(restoreFromFile(join(dir, 'bad.json')), (e) => e.code === -32602 && /^Invalid snapshot/.test(e.message));
  await assert.rejects(restoreFromFile(dir), (e) => e.code === -32603 && e.message.startsWith('Cannot read'));
  assert.throws(() => persistToFile(new InMemoryTaskStore(), ''), (e) => e instanceof TypeError && e.code === -32602);
});

test('persistToFile: saves on its interval', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'tasks.json');
  const store = new InMemoryTaskStore();
  const saver = persistToFile(store, file, { intervalMs: 30 });
  t.after(() => saver.stop());
  const task = await store.createTask({ ttl: null }, 1, REQ);
  await new Promise((resolve) => setTimeout(resolve, 120));
  // Stopped before the directory is removed (after-hooks run in the order they were added,
  // so an interval still running could write into the directory while it is being removed).
  saver.stop();
  const saved = JSON.parse(await readFile(file, 'utf8'));
  assert.deepEqual(saved.tasks.map((x) => x.record.task.taskId), [task.taskId]);
});

test('persistToFile: on SIGTERM the store is saved and the process still ends as SIGTERM ends it', { timeout: 30_000 }, async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'tasks.json');
  const script = `
    import { InMemoryTaskStore, persistToFile } from 'mcp-task-store-wasm';
    const store = new InMemoryTaskStore();
    persistToFile(store, ${JSON.stringify(file)}, { intervalMs: 0, signals: true });
    const task = await store.createTask({ ttl: null }, 1, { method: 'tools/call' });
    await store.updateTaskStatus(task.taskId, 'input_required', 'saved on SIGTERM');
    console.log(task.taskId);
    setInterval(() => {}, 1000); // keeps running until the signal
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const id = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(String(d).trim()));
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.kill('SIGTERM');
  assert.deepEqual(await exit, { code: null, signal: 'SIGTERM' });
  const back = await restoreFromFile(file);
  assert.equal((await back.getTask(id)).statusMessage, 'saved on SIGTERM');
  back.free();
});
