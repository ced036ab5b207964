// The package through a bundler: vite (its JS API) builds a tiny app (tests/js/fixtures/bundler/)
// that imports 'mcp-task-store-wasm' by name, as a user's app would; the output is served over
// http on 127.0.0.1 and run in headless Chromium (playwright-core). Checks that vite picks the
// browser entry, emits the .wasm as an asset, rewrites its URL so the page can fetch it, and that
// the store then works.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm, realpath } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, launchChromium, listFiles, serveDir } from '../../scripts/www.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/bundler/', import.meta.url));
const PKG_LINK = path.join(ROOT, 'node_modules', 'mcp-task-store-wasm');
const skip = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM}`
  : !existsSync(path.join(PKG_LINK, 'package.json')) && 'node_modules/mcp-task-store-wasm is missing (run `make pkg` and npm install)';

test('bundler: a vite-built app imports the package by name, the wasm is emitted and loads, and the store works', { skip, timeout: 60_000 }, async (t) => {
  const { build } = await import('vite');

  // Cleanups run last-registered first: browser, then server, then the temp dir.
  const cleanups = [];
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });
  const tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mcp-task-store-wasm-vite-')));
  cleanups.push(() => rm(tmp, { recursive: true, force: true }));
  const outDir = path.join(tmp, 'dist');

  // 1. Build. Vite's default client conditions are used on purpose (what a user's app gets);
  // es2022 is the lowest target that keeps the package's top-level await.
  const started = Date.now();
  const result = await build({
    root: FIXTURE,
    configFile: false,
    envFile: false,
    publicDir: false,
    cacheDir: path.join(tmp, 'vite-cache'),
    logLevel: 'silent',
    mode: 'production',
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      modulePreload: false,
      reportCompressedSize: false,
      // Never inline the .wasm as a data: URL, whatever its size: the test is about the asset.
      assetsInlineLimit: 0,
    },
  });
  const buildMs = Date.now() - started;

  // The browser entry of the package (not the node or CJS one) was bundled, from /work/main/node_modules.
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  const moduleIds = outputs.filter((o) => o.type === 'chunk').flatMap((c) => c.moduleIds ?? Object.keys(c.modules ?? {}));
  const pkgDir = await realpath(PKG_LINK);
  const browserEntry = path.join(pkgDir, 'index.browser.mjs');
  // (With `"sideEffects": false` in the package.json, the bundler treats index.browser.mjs as a pure
  // re-export, binds the names straight to the wasm-bindgen glue and drops the entry's top-level
  // `await init(...)`: the wasm is emitted but never loaded, and `new InMemoryTaskStore()` throws.)
  assert.ok(
    moduleIds.includes(browserEntry),
    `browser entry ${browserEntry} not in the bundle (dropped as side-effect free? see package.json "sideEffects"); modules: ${moduleIds.join(', ')}`,
  );
  for (const unwanted of ['index.node.mjs', 'index.cjs', 'mcp_task_store_wasm.cjs']) {
    assert.ok(!moduleIds.some((id) => id.endsWith(unwanted)), `${unwanted} was bundled for the browser`);
  }

  // The .wasm was emitted as an asset, byte for byte the package's, and referenced by the JS.
  const files = await listFiles(outDir);
  const wasmFiles = files.filter((f) => f.endsWith('.wasm'));
  assert.equal(wasmFiles.length, 1, `expected exactly one emitted .wasm, got: ${files.join(', ')}`);
  const [wasmFile] = wasmFiles;
  assert.match(wasmFile, /^assets\/mcp_task_store_wasm_bg-[\w-]+\.wasm$/);
  assert.deepEqual(await readFile(path.join(outDir, wasmFile)), await readFile(path.join(pkgDir, 'wasm', 'mcp_task_store_wasm_bg.wasm')));
  const jsFiles = files.filter((f) => f.endsWith('.js'));
  assert.ok(jsFiles.length >= 1, `no JS emitted: ${files.join(', ')}`);
  const js = (await Promise.all(jsFiles.map((f) => readFile(path.join(outDir, f), 'utf8')))).join('\n');
  assert.ok(js.includes(path.posix.basename(wasmFile)), 'the bundle does not reference the emitted .wasm (nothing would load it)');
  assert.ok(!js.includes(ROOT), 'the bundle leaks an absolute build path');
  assert.ok(files.includes('index.html'), `no index.html emitted: ${files.join(', ')}`);

  // 2. Serve and run in Chromium.
  const { requests, origin, close } = await serveDir(outDir);
  cleanups.push(close);
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  const page = await browser.newPage();
  const pageProblems = [];
  page.on('pageerror', (e) => pageProblems.push(`pageerror: ${e}`));
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && pageProblems.push(`console.${m.type()}: ${m.text()}`));
  page.on('requestfailed', (r) => pageProblems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  const wasmResponse = page.waitForResponse((r) => r.url().endsWith('.wasm'), { timeout: 15_000 });
  wasmResponse.catch(() => {}); // awaited below only if the page succeeded; never an unhandled rejection

  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => window.__done === true, null, { timeout: 15_000 });
  const error = await page.evaluate(() => window.__error);
  assert.equal(error, undefined, `${error}\n${pageProblems.join('\n')}`);
  const r = await page.evaluate(() => window.__result);

  const wasm = await wasmResponse;
  assert.equal(new URL(wasm.url()).pathname, `/${wasmFile}`);
  assert.equal(wasm.status(), 200);
  assert.equal(wasm.headers()['content-type'], 'application/wasm');
  assert.deepEqual(requests.filter((p) => p.endsWith('.wasm')), [`/${wasmFile}`], 'the wasm should be fetched once, from the emitted asset');
  assert.deepEqual(pageProblems, []);

  // 3. The store, as bundled, behaves.
  const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  assert.match(r.created.taskId, UUID4);
  assert.deepEqual(Object.keys(r.created).sort(), ['createdAt', 'lastUpdatedAt', 'pollInterval', 'status', 'taskId', 'ttl']);
  assert.equal(r.created.status, 'working');
  assert.equal(r.created.ttl, 60000);
  assert.deepEqual(r.got, r.created);
  assert.equal(r.otherSession, null);
  assert.equal(r.afterUpdate.status, 'input_required');
  assert.equal(r.afterUpdate.statusMessage, 'need input');
  assert.deepEqual(r.result, { content: [{ type: 'text', text: 'hello from a bundle' }] });
  assert.equal(r.afterResult.status, 'completed');
  assert.equal(r.pages[0].length, 2);
  assert.equal(r.pages[0][0], r.created.taskId);
  assert.equal(r.pages[1].length, 1);
  assert.equal(r.pages[2], false);
  assert.equal(new Set(r.pages[0].concat(r.pages[1])).size, 3);
  assert.equal(r.otherSessionList, 0);
  assert.equal(r.bad.isError, true);
  assert.equal(r.bad.name, 'RangeError');
  assert.equal(r.bad.code, -32602);
  assert.match(r.bad.message, /^Invalid taskParams\.ttl: NaN/);
  assert.equal(r.size, 3);
  assert.equal(r.queueCount, 0);
  assert.deepEqual(r.afterCleanup, [0, false]);
  assert.equal(await page.title(), 'done');

  t.diagnostic(`vite build ${buildMs} ms; emitted ${files.join(', ')}`);
});
