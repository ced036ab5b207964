// The browser entry (pkg/index.browser.mjs), imported by a plain <script type="module"> with no
// bundler, in headless Chromium driven by playwright-core.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** A static server for ROOT on 127.0.0.1, random port. Only GET of files inside ROOT. */
async function serve() {
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const file = path.join(ROOT, decodeURIComponent(url.pathname));
    requests.push(url.pathname);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (!file.startsWith(ROOT)) {
      res.writeHead(403).end();
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
  return { server, requests, origin: `http://127.0.0.1:${server.address().port}` };
}

test('browser: the package loads with no bundler and create/get/update/result/list/bad call behave', { skip: !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`, timeout: 60_000 }, async (t) => {
  const { chromium } = await import('playwright-core');
  const { server, requests, origin } = await serve();
  t.after(() => server.close());
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  await page.goto(`${origin}/tests/js/fixtures/browser.html`);
  await page.waitForFunction(() => window.__done === true, null, { timeout: 30_000 });
  const error = await page.evaluate(() => window.__error);
  assert.equal(error, undefined, error);
  const r = await page.evaluate(() => window.__results);

  assert.ok(requests.includes('/pkg/wasm/mcp_task_store_wasm_bg.wasm') || requests.some((p) => p.endsWith('.wasm')), `no wasm fetched: ${requests}`);
  assert.deepEqual(pageErrors, []);
  assert.match(r.created.taskId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(Object.keys(r.created).sort(), ['createdAt', 'lastUpdatedAt', 'pollInterval', 'status', 'taskId', 'ttl']);
  assert.equal(r.created.status, 'working');
  assert.equal(r.created.ttl, 60000);
  assert.equal(r.created.createdAt, r.created.lastUpdatedAt);
  assert.deepEqual(r.got, r.created);
  assert.equal(r.otherSession, null);
  assert.equal(r.afterUpdate.status, 'input_required');
  assert.equal(r.afterUpdate.statusMessage, 'need input');
  assert.deepEqual(r.result, { content: [{ type: 'text', text: 'hello from wasm' }] });
  assert.equal(r.resultFrozen, false, 'the reader owns its copy');
  assert.equal(r.afterResult.status, 'completed');
  assert.deepEqual(r.pages, [2, 1, 'string', false]);
  assert.equal(r.size, 3); // before the 4th task
  assert.equal(r.hasPendingTimer, true);
  assert.equal(r.badIsPromise, true);
  assert.equal(r.bad.isError, true);
  assert.equal(r.bad.name, 'RangeError');
  assert.equal(r.bad.code, -32602);
  assert.match(r.bad.message, /^Invalid taskParams\.ttl: NaN/);
  assert.deepEqual(r.badResult, {
    name: 'TypeError',
    code: -32602,
    message: r.badResult.message,
  });
  assert.match(r.badResult.message, /^Invalid result\.a\[1\]\.b: a bigint/);
  assert.equal(r.badCursor.code, -32602);
  assert.match(r.badCursor.message, /^Invalid cursor: nonsense/);
  assert.equal(r.queued, 1);
  assert.equal(r.dequeued.length, 1);
  assert.equal(r.dequeued[0].type, 'notification');
  assert.equal(r.standaloneQueue, 0);
  assert.deepEqual(r.afterCleanup, [0, false]);
});
