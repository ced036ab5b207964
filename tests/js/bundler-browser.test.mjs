// The package in browsers through the bundlers and workers that the main entry alone does not
// serve: esbuild (which leaves `new URL('./x.wasm', import.meta.url)` alone, and whose default
// iife output cannot carry top-level await) on mcp-task-store-wasm/inline, and on /init with the
// .wasm through its `file` loader; webpack 5 on the main entry (it emits the .wasm as an asset
// and handles the top-level await); and a module service worker, where top-level await is
// forbidden, on the installed /init entry. Bundles are built into a temp dir, served over http on
// 127.0.0.1 and run in one headless Chromium (playwright-core), each case in a context of its own;
// every case runs the common workload (fixtures/toolchains/). Vite has its own file (bundler.test.mjs).
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verify } from './fixtures/toolchains/verify.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/toolchains/', import.meta.url));
const PKG_LINK = path.join(ROOT, 'node_modules', 'mcp-task-store-wasm');
const WASM = path.join(PKG_LINK, 'wasm', 'mcp_task_store_wasm_bg.wasm');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

const skip = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM}`
  : !existsSync(path.join(PKG_LINK, 'package.json')) && 'node_modules/mcp-task-store-wasm is missing (run `make pkg`)';

/** Serves `/b/…` from the bundles' dir and `/repo/…` from the repository (for the unbundled service worker). */
async function serve(bundles) {
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    requests.push(pathname);
    if (pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const [, area, rest] = pathname.match(/^\/(b|repo)(\/.*)$/) ?? [];
    const base = area === 'b' ? bundles : area === 'repo' ? ROOT : null;
    const file = base && path.join(base, decodeURIComponent(rest));
    if (!file || !file.startsWith(base)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, requests, origin: `http://127.0.0.1:${server.address().port}` };
}

const page = (script) => `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>bundle</title>${script}\n`;

test('browser bundles and a service worker', { skip, timeout: 120_000 }, async (t) => {
  const esbuild = await import('esbuild');
  const { default: webpack } = await import('webpack');
  const { chromium } = await import('playwright-core');
  const cleanups = [];
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });
  const tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mcp-task-store-wasm-web-bundles-')));
  cleanups.push(() => rm(tmp, { recursive: true, force: true }));
  const { server, requests, origin } = await serve(tmp);
  cleanups.push(() => new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); }));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  cleanups.push(() => browser.close());
  const wasmBytes = await readFile(WASM);

  /** Opens url in a fresh context; returns what the page reported, failing on page errors. */
  async function runPage(url, where) {
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      const problems = [];
      tab.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
      tab.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`console.${m.type()}: ${m.text()}`));
      await tab.goto(url);
      await tab.waitForFunction(() => window.__done === true, null, { timeout: 20_000 });
      const [result, error] = await tab.evaluate(() => [window.__result, window.__error]);
      assert.equal(error, undefined, `${where}: ${error}\n${problems.join('\n')}`);
      assert.deepEqual(problems, [], where);
      return result;
    } finally {
      await context.close();
    }
  }

  async function esbuildApp(dir, entry, options) {
    const result = await esbuild.build({
      entryPoints: { app: path.join(FIXTURES, entry) }, bundle: true, platform: 'browser', target: 'es2022',
      outdir: path.join(tmp, dir), logLevel: 'silent', ...options,
    });
    assert.deepEqual(result.warnings.map((w) => w.text), [], `${dir}: esbuild warnings`);
    return (await readdir(path.join(tmp, dir))).sort();
  }

  await t.test('esbuild, ES module output, mcp-task-store-wasm/inline: one JS file, no .wasm to serve', async () => {
    assert.deepEqual(await esbuildApp('esbuild-esm', 'web-inline.mjs', { format: 'esm' }), ['app.js']);
    await writeFile(path.join(tmp, 'esbuild-esm', 'index.html'), page('<script type="module" src="./app.js"></script>'));
    verify(await runPage(`${origin}/b/esbuild-esm/index.html`, 'esbuild esm'), 'esbuild esm (inline)');
    assert.ok(!requests.some((p) => p.startsWith('/b/esbuild-esm/') && p.endsWith('.wasm')), 'a .wasm was requested');
  });

  await t.test("esbuild's default iife output (a classic script, no top-level await), mcp-task-store-wasm/inline", async () => {
    assert.deepEqual(await esbuildApp('esbuild-iife', 'web-inline.mjs', {}), ['app.js']);
    await writeFile(path.join(tmp, 'esbuild-iife', 'index.html'), page('<script src="./app.js"></script>'));
    verify(await runPage(`${origin}/b/esbuild-iife/index.html`, 'esbuild iife'), 'esbuild iife (inline)');
  });

  await t.test("esbuild keeping the .wasm a file: mcp-task-store-wasm/wasm through the `file` loader, passed to init()", async () => {
    const files = await esbuildApp('esbuild-file', 'web-init-file.mjs', { format: 'esm', loader: { '.wasm': 'file' } });
    const emitted = files.filter((f) => f.endsWith('.wasm'));
    assert.equal(emitted.length, 1, `emitted: ${files}`);
    assert.ok((await readFile(path.join(tmp, 'esbuild-file', emitted[0]))).equals(wasmBytes), 'the emitted .wasm is the package\'s');
    await writeFile(path.join(tmp, 'esbuild-file', 'index.html'), page('<script type="module" src="./app.js"></script>'));
    verify(await runPage(`${origin}/b/esbuild-file/index.html`, 'esbuild file loader'), 'esbuild + init() + file loader');
    assert.deepEqual(requests.filter((p) => p.startsWith('/b/esbuild-file/') && p.endsWith('.wasm')), [`/b/esbuild-file/${emitted[0]}`]);
  });

  await t.test('webpack 5 (target web), the main entry: the .wasm emitted as an asset and fetched, top-level await handled', async () => {
    const dir = path.join(tmp, 'webpack');
    const stats = await new Promise((resolve, reject) => {
      webpack({
        mode: 'production', target: 'web', context: FIXTURES, entry: './web-main.mjs',
        output: { path: dir, filename: 'app.js' },
        optimization: { minimize: false }, performance: { hints: false }, infrastructureLogging: { level: 'none' },
      }, (error, result) => (error ? reject(error) : resolve(result)));
    });
    const { errors, warnings } = stats.toJson({ all: false, errors: true, warnings: true });
    assert.deepEqual([...errors, ...warnings].map((e) => e.message), [], 'webpack errors and warnings');
    const files = (await readdir(dir)).sort();
    const emitted = files.filter((f) => f.endsWith('.wasm'));
    assert.equal(emitted.length, 1, `emitted: ${files}`);
    assert.ok((await readFile(path.join(dir, emitted[0]))).equals(wasmBytes), 'the emitted .wasm is the package\'s');
    const js = await readFile(path.join(dir, 'app.js'), 'utf8');
    assert.ok(!js.includes('mcp_task_store_wasm_bg.base64') && !js.includes('fromBase64'), 'the inlined module was bundled');
    await writeFile(path.join(dir, 'index.html'), page('<script src="./app.js"></script>'));
    verify(await runPage(`${origin}/b/webpack/index.html`, 'webpack'), 'webpack 5');
    assert.deepEqual(requests.filter((p) => p.startsWith('/b/webpack/') && p.endsWith('.wasm')), [`/b/webpack/${emitted[0]}`]);
  });

  await t.test('a module service worker on mcp-task-store-wasm/init, unbundled: init() in the worker, no top-level await anywhere', async () => {
    const answer = await runPage(`${origin}/repo/tests/js/fixtures/toolchains/sw.html`, 'service worker');
    assert.equal(answer.beforeInit.code, -32603, JSON.stringify(answer.beforeInit));
    assert.match(answer.beforeInit.message, /not loaded yet: await init\(\) \(or call initSync\(\{ module \}\)\) from mcp-task-store-wasm\/init first/);
    verify(answer.result, 'service worker');
    assert.ok(requests.includes('/repo/node_modules/mcp-task-store-wasm/wasm/mcp_task_store_wasm_bg.wasm'), 'the worker did not fetch the .wasm beside init.mjs');
  });
});
