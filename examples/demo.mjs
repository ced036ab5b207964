#!/usr/bin/env node
// `make demo`: starts examples/server.mjs (an MCP server on Streamable HTTP whose tasks live in
// mcp-task-store-wasm), waits until it listens, runs examples/client.mjs against it, prints the
// server's log, stops the server, and exits 0 only if both went well.
//
//   node examples/demo.mjs [--port 3917]
//
// The port comes from --port, else PORT, else 3917; if it is busy, the demo uses a free one.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnNode, startServer, stopServer } from './start-server.mjs';

const { values: opts } = parseArgs({
  options: { port: { type: 'string', default: process.env.PORT ?? '3917' } },
});
const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const CLIENT = fileURLToPath(new URL('./client.mjs', import.meta.url));
const WATCHDOG_MS = 60_000;

const children = new Set();
const watchdog = setTimeout(() => {
  console.error(`demo: still running after ${WATCHDOG_MS / 1000} s; stopping`);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

/** `spawnNode`, with the child stopped by the watchdog while it runs. */
function run(file, args, stdio) {
  const child = spawnNode(file, args, stdio);
  children.add(child);
  child.exited.then(() => children.delete(child));
  return child;
}

async function main() {
  let server = await startServer(SERVER, opts.port, run);
  if (server.busy) {
    console.log(`demo: port ${opts.port} is busy; using a free port`);
    server = await startServer(SERVER, 0, run);
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
