#!/usr/bin/env node
// The browser demo (www/): build it with Vite, serve it on 127.0.0.1, or regenerate the README's
// screenshot. Needs the package built (`make pkg`: node_modules/mcp-task-store-wasm -> pkg/).
//
//   node scripts/www.mjs build        vite build into www/dist/, then the size of every file
//   node scripts/www.mjs serve        serves www/dist/ on http://127.0.0.1:PORT/ (--port, else PORT, else 4173)
//   node scripts/www.mjs screenshot   builds into a temp dir, runs the tools in Chromium, writes www/screenshot.png
//
// Also imported by tests/js/www.test.mjs (buildWww, sizes, serveDir, launchChromium) and
// tests/js/bundler.test.mjs (serveDir, listFiles, launchChromium).
import http from 'node:http';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const WWW = path.join(ROOT, 'www');
export const DIST = path.join(WWW, 'dist');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Builds the page with Vite's JS API into outDir; resolves with the files written (relative paths). */
export async function buildWww(outDir = DIST) {
  const { build } = await import('vite');
  await build({
    configFile: path.join(WWW, 'vite.config.js'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return listFiles(outDir);
}

/** Every file under dir, as paths relative to it with '/' separators, sorted. */
export async function listFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Raw and gzipped size of every file under dir, and the totals. */
export async function sizes(dir) {
  const files = [];
  for (const file of await listFiles(dir)) {
    const body = await readFile(path.join(dir, file));
    files.push({ file, raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
  }
  const total = files.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip }), { raw: 0, gzip: 0 });
  return { files, total };
}

/**
 * What each page loads: the files its HTML names, and every file those name in turn (a chunk
 * imports another, the store's glue names the .wasm); links to the other page not followed.
 * Resolves with [{ page, raw, gzip }].
 */
export async function pageSizes(dir) {
  const { files } = await sizes(dir);
  const byName = new Map(files.map((f) => [path.posix.basename(f.file), f]));
  const pages = [];
  for (const html of files.filter((f) => f.file.endsWith('.html'))) {
    const seen = new Set([html.file]);
    const todo = [html.file];
    while (todo.length) {
      const body = await readFile(path.join(dir, todo.pop()), 'utf8');
      for (const [name, f] of byName) {
        if (!seen.has(f.file) && !name.endsWith('.html') && body.includes(name)) {
          seen.add(f.file);
          if (/\.(js|css)$/.test(name)) todo.push(f.file);
        }
      }
    }
    const mine = files.filter((f) => seen.has(f.file));
    pages.push({ page: html.file, raw: mine.reduce((n, f) => n + f.raw, 0), gzip: mine.reduce((n, f) => n + f.gzip, 0) });
  }
  return pages;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

export function formatSizes({ files, total }) {
  const width = Math.max(...files.map((f) => f.file.length), 5) + 2;
  const row = (name, raw, gzip) => `  ${name.padEnd(width)}${raw.padStart(10)}${gzip.padStart(14)}`;
  return [
    row('file', 'raw', 'gzip'),
    ...files.map((f) => row(f.file, kb(f.raw), `${kb(f.gzip)} gz`)),
    row('total', kb(total.raw), `${kb(total.gzip)} gz`),
  ].join('\n');
}

/**
 * Serves dir on 127.0.0.1 (GET/HEAD of files inside it; `/` is index.html; `/favicon.ico` is
 * empty). port 0: a free one. Resolves with { server, origin, requests, close() }: `requests`
 * lists the paths asked for, in order.
 */
export async function serveDir(dir, port = 0) {
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    requests.push(pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = path.join(dir, decodeURIComponent(pathname.endsWith('/') ? `${pathname}index.html` : pathname));
    if (!file.startsWith(dir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    server,
    requests,
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    }),
  };
}

/** Headless Debian Chromium through playwright-core. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The row of the task whose short id (first 8 characters) is `id`. */
export const rowOf = (page, id) => page.locator(`#tasks tbody tr[data-task-id^="${id}"]`);

/** Clicks the tool's start button; resolves with the short id of the row that appears for it. */
export async function startTool(page, label) {
  const before = new Set(await page.locator('#tasks tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.taskId)));
  await page.getByRole('button', { name: label, exact: true }).click();
  const handle = await page.waitForFunction(
    (known) => [...document.querySelectorAll('#tasks tbody tr')].map((r) => r.dataset.taskId).find((id) => !known.includes(id)),
    [...before],
  );
  return (await handle.jsonValue()).slice(0, 8);
}

/** The page as the README shows it: every kind of task at once, one question waiting. */
async function screenshot() {
  const out = await mkdtemp(path.join(os.tmpdir(), 'mcp-task-store-wasm-www-'));
  const site = await serveDir(out);
  const browser = await launchChromium();
  try {
    await buildWww(out);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`${site.origin}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    const done = await startTool(page, 'Start countdown');
    await rowOf(page, done).locator('.status', { hasText: 'completed' }).waitFor();
    const failed = await startTool(page, 'Start failing tool');
    const cancelled = await startTool(page, 'Start countdown');
    await rowOf(page, cancelled).locator('.message', { hasText: 'T-4' }).waitFor();
    await rowOf(page, cancelled).getByRole('button', { name: /^Cancel/ }).click();
    await rowOf(page, failed).locator('.status', { hasText: 'failed' }).waitFor();
    const short = await startTool(page, 'Start short-ttl (6 s)');
    await rowOf(page, short).locator('.status', { hasText: 'completed' }).waitFor();
    await startTool(page, 'Ask for input');
    await page.locator('#inputs form').waitFor();
    const running = await startTool(page, 'Start countdown');
    await rowOf(page, running).locator('.message', { hasText: 'T-3' }).waitFor();
    await page.locator('#inputs input[name="note"]').fill('after the tests pass');
    await page.evaluate(() => document.activeElement?.blur());
    await page.mouse.move(0, 0);
    const file = path.join(WWW, 'screenshot.png');
    await page.screenshot({ path: file });
    if (problems.length) throw new Error(`the page reported errors:\n${problems.join('\n')}`);
    console.log(`www: wrote ${path.relative(ROOT, file)}`);
  } finally {
    await browser.close();
    await site.close();
    await rm(out, { recursive: true, force: true });
  }
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string', default: process.env.PORT ?? '4173' } },
  });
  const [command] = positionals;
  if (command === 'build') {
    await buildWww(DIST);
    console.log(`www: built into ${path.relative(ROOT, DIST)}/ (what a visitor downloads):`);
    console.log(formatSizes(await sizes(DIST)));
    for (const { page, raw, gzip } of await pageSizes(DIST)) {
      console.log(`www: ${page} loads ${kb(raw)}, ${kb(gzip)} gzipped (its HTML, JS, CSS and the .wasm)`);
    }
  } else if (command === 'serve') {
    let site;
    try {
      site = await serveDir(DIST, Number(values.port));
    } catch (error) {
      if (error.code !== 'EADDRINUSE') throw error;
      console.log(`www: port ${values.port} is busy; using a free one`);
      site = await serveDir(DIST, 0);
    }
    console.log(`www: serving ${path.relative(ROOT, DIST)}/ on ${site.origin}/  (Ctrl-C stops)`);
    const stop = () => site.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } else if (command === 'screenshot') {
    await screenshot();
  } else {
    console.error('usage: node scripts/www.mjs build | serve [--port N] | screenshot');
    process.exit(2);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`www: ${error.stack ?? error}`);
    process.exit(1);
  });
}
