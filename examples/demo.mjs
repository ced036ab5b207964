#!/usr/bin/env node
// `make demo`: starts examples/server.mjs (an MCP server on Streamable HTTP whose tasks live in
// mcp-task-store-wasm), waits until it listens, runs examples/client.mjs against it, prints the
// server's log, stops the server, and exits 0 only if both went well.
//
//   node examples/demo.mjs [--port 3917]
//
// The port comes from --port, else PORT, else 3917; if it is busy, the demo uses a free one.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: { port: { type: 'string', default: process.env.PORT ?? '3917' } },
});
const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const CLIENT = fileURLToPath(new URL('./client.mjs', import.meta.url));
const STARTUP_MS = 10_000;
const WATCHDOG_MS = 60_000;

const children = new Set();
const watchdog = setTimeout(() => {
  console.error(`demo: still running after ${WATCHDOG_MS / 1000} s; stopping`);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

function run(file, args, stdio) {
  const child = spawn(process.execPath, [file, ...args], { stdio });
  children.add(child);
  child.exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 128 : 1));
    }),
  );
  return child;
}

/** Starts the server on `port`; resolves { child, url, lines } once it listens, or { busy: true }. */
function startServer(port) {
  const child = run(SERVER, ['--port', String(port)], ['ignore', 'pipe', 'pipe']);
  const lines = [];
  let pending = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not listen within ${STARTUP_MS} ms`)), STARTUP_MS);
    const onData = (chunk) => {
      pending += chunk;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const l = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        lines.push(l);
        const m = /listening on (http:\/\/\S+)/.exec(l);
        if (m) {
          clearTimeout(timer);
          resolve({ child, url: m[1], lines });
        }
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.exited.then((code) => {
      clearTimeout(timer);
      if (code === 3) resolve({ busy: true });
      else reject(new Error(`the server exited with code ${code} before listening:\n${lines.join('\n')}`));
    });
  });
}

async function stopServer(child) {
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
  const code = await child.exited;
  clearTimeout(killer);
  return code;
}

async function main() {
  let server = await startServer(opts.port);
  if (server.busy) {
    console.log(`demo: port ${opts.port} is busy; using a free port`);
    server = await startServer(0);
  }
  const { child, url, lines } = server;
  console.log(`demo: examples/server.mjs is listening on ${url}; running examples/client.mjs --url ${url}\n`);

  const clientCode = await run(CLIENT, ['--url', url], ['ignore', 'inherit', 'inherit']).exited;
  const serverCode = await stopServer(child);

  console.log('\n── the server’s log (its own clock)');
  for (const l of lines) console.log(`  ${l}`);

  if (clientCode !== 0) throw new Error(`the client exited with code ${clientCode}`);
  if (serverCode !== 0) throw new Error(`the server exited with code ${serverCode}`);
  console.log('\ndemo: done');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`\ndemo: FAILED: ${err.message}`);
    for (const c of children) c.kill('SIGKILL');
    process.exit(1);
  },
);
