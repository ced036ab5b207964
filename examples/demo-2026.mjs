#!/usr/bin/env node
// `make demo-2026`: the countdown / confirm / flaky tools of `make demo`, over protocol
// 2026-07-28 and the Tasks extension. Starts examples/tasks-extension-server.mjs (the store
// behind @modelcontextprotocol/server 2.x), drives it with the official client
// (@modelcontextprotocol/ext-tasks over @modelcontextprotocol/client), prints what each call
// went through, prints the server's log, stops the server, and exits 0 only if all went as
// expected.
//
//   node examples/demo-2026.mjs [--port 3919]
//
// The port comes from --port, else PORT, else 3919; if it is busy, the demo uses a free one.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createTaskSessionFromClient } from '@modelcontextprotocol/ext-tasks/client';
import { createRawDispatch, TasksExtension } from 'mcp-task-store-wasm/tasks-extension';
import { startServer, stopServer } from './start-server.mjs';

const { values: opts } = parseArgs({
  options: { port: { type: 'string', default: process.env.PORT ?? '3919' } },
});
const SERVER = fileURLToPath(new URL('./tasks-extension-server.mjs', import.meta.url));
const WATCHDOG_MS = 60_000;
const PROTOCOL_VERSION = '2026-07-28';
const CLIENT_INFO = { name: 'demo-2026-client', version: '1.0.0' };

let server;
const watchdog = setTimeout(() => {
  console.error(`demo-2026: still running after ${WATCHDOG_MS / 1000} s; stopping`);
  server?.child.kill('SIGKILL');
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

const say = (line = '') => console.log(line);
const textOf = (result) => result?.content?.map((c) => c.text).join(' ');
const describeTask = (t) => `${t.status}${t.statusMessage ? ` "${t.statusMessage}"` : ''}`;

/** A client that declares the Tasks extension, and the official task session over it. */
async function connect(url, { onInputRequest } = {}) {
  const client = new Client(CLIENT_INFO, {
    versionNegotiation: { mode: 'auto' },
    capabilities: { elicitation: {}, extensions: { [TasksExtension.EXTENSION_ID]: {} } },
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const session = createTaskSessionFromClient(client, {
    endpointId: url,
    rawDispatch: createRawDispatch(url),
    v2RequestFraming: { protocolVersion: PROTOCOL_VERSION, clientInfo: CLIENT_INFO, clientCapabilities: { elicitation: {} } },
    ...(onInputRequest ? { onInputRequest } : {}),
  });
  return { client, session, close: async () => { await session.close(); await client.close(); } };
}

/** Calls a tool as a task and prints each status the client sees until the outcome. */
async function run(session, name, args, { cancelAfter } = {}) {
  say(`── ${name} ${JSON.stringify(args)}`);
  const execution = await session.callTool(name, args);
  if (execution.kind !== 'task') throw new Error(`${name}: expected a task, got ${execution.kind}`);
  say(`   tools/call  → task ${execution.handle.taskId.slice(0, 8)} (resultType "task")`);
  let last = '';
  let cancelling;
  const { outcome } = await execution.settle({
    onEvent: (event) => {
      if (event.type !== 'task') return;
      const now = describeTask(event.task);
      if (now !== last) say(`   tasks/get   → ${now}${event.task.retentionMs !== undefined && last === '' ? `  (ttlMs ${event.task.retentionMs}, pollIntervalMs ${event.task.suggestedPollIntervalMs})` : ''}`);
      last = now;
      if (cancelAfter && now.includes(cancelAfter) && !cancelling) {
        say('   tasks/cancel (the client changed its mind)');
        cancelling = execution.cancel();
      }
    },
  });
  await cancelling;
  if (outcome.status === 'completed') say(`   outcome     : completed, "${textOf(outcome.result)}"`);
  else if (outcome.status === 'failed') say(`   outcome     : failed, JSON-RPC error ${outcome.error.code} "${outcome.error.message}"`);
  else say(`   outcome     : ${outcome.status}`);
  say();
  return outcome;
}

async function main() {
  server = await startServer(SERVER, opts.port);
  if (server.busy) {
    say(`demo-2026: port ${opts.port} is busy; using a free port`);
    server = await startServer(SERVER, 0);
  }
  const { url } = server;
  say(`demo-2026: examples/tasks-extension-server.mjs is listening on ${url} (protocol ${PROTOCOL_VERSION})\n`);

  const { client, session, close } = await connect(url, {
    onInputRequest: async (request) => {
      say(`   client asked: "${request.params.message}" → answers yes (tasks/update)`);
      return { action: 'accept', content: { confirm: true } };
    },
  });
  const failures = [];
  const expect = (what, ok) => { if (!ok) failures.push(what); };
  try {
    say(`server capability extensions["${TasksExtension.EXTENSION_ID}"] = ${JSON.stringify(client.getServerCapabilities().extensions?.[TasksExtension.EXTENSION_ID])}\n`);

    const countdown = await run(session, 'countdown', { from: 3, stepMs: 250 });
    expect('countdown completes', countdown.status === 'completed' && textOf(countdown.result) === 'liftoff after 3 steps');

    const confirm = await run(session, 'confirm', { question: 'Ship the release?' });
    expect('confirm completes with the answer', confirm.status === 'completed' && textOf(confirm.result) === 'confirmed: yes');

    const flaky = await run(session, 'flaky', { reason: 'the upstream API is down' });
    expect('flaky fails with a JSON-RPC error', flaky.status === 'failed' && flaky.error.code === -32603);

    const cancelled = await run(session, 'countdown', { from: 20, stepMs: 200 }, { cancelAfter: 'T-18' });
    expect('a cancelled countdown ends cancelled', cancelled.status === 'cancelled');
  } finally {
    await close();
  }

  // A client that does not declare the extension never gets a task: the tool runs inline.
  say('── countdown {"from":2,"stepMs":100} from a 2026-07-28 client without the extension');
  const plain = new Client(CLIENT_INFO, { versionNegotiation: { mode: 'auto' } });
  await plain.connect(new StreamableHTTPClientTransport(new URL(url)));
  try {
    const inline = await plain.callTool({ name: 'countdown', arguments: { from: 2, stepMs: 100 } });
    say(`   tools/call  → ${inline.resultType ?? 'complete'}, "${textOf(inline)}" (no task)\n`);
    expect('the plain client gets an inline result', inline.resultType !== 'task' && textOf(inline) === 'liftoff after 2 steps');
  } finally {
    await plain.close();
  }

  const code = await stopServer(server.child);
  say('── the server’s log (its own clock)');
  for (const line of server.lines) say(`  ${line}`);
  if (code !== 0) failures.push(`the server exited with code ${code}`);
  if (failures.length > 0) throw new Error(`not as expected: ${failures.join('; ')}`);
  say('\ndemo-2026: done');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`\ndemo-2026: FAILED: ${error?.stack ?? error}`);
    server?.child?.kill('SIGKILL');
    process.exit(1);
  },
);
