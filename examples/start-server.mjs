// Starting and stopping an example server from the demos: `node <file> --port <port>`,
// ready once it prints "listening on <url>".
import { spawn } from 'node:child_process';

const STARTUP_MS = 10_000;

/** Spawns `node file ...args`; the child's `exited` is a Promise of its exit code (128 for a signal). */
export function spawnNode(file, args, stdio) {
  const child = spawn(process.execPath, [file, ...args], { stdio });
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  return child;
}

/**
 * Starts the server in `file` on `port` (spawned by `spawner`, `spawnNode` by default);
 * resolves { child, url, lines } once it listens, or { busy: true } when it exits with 3 (the
 * port is taken). `lines` keeps collecting what it prints.
 */
export function startServer(file, port, spawner = spawnNode) {
  const child = spawner(file, ['--port', String(port)], ['ignore', 'pipe', 'pipe']);
  const lines = [];
  let pending = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not listen within ${STARTUP_MS} ms`)), STARTUP_MS);
    const onData = (chunk) => {
      pending += chunk;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        lines.push(line);
        const m = /listening on (http:\/\/\S+)/.exec(line);
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

/** Stops a server (SIGTERM, then SIGKILL after 3 s); resolves to its exit code. */
export async function stopServer(child) {
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
  const code = await child.exited;
  clearTimeout(killer);
  return code;
}
