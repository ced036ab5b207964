// What each store costs to ship: the files an import loads, raw and compressed.
//
// Node (ours and the store compared with): the files are not guessed but recorded. A fresh
// `node` process imports the entry as an ES module, creates a store and one task, and lists
// every file it loaded: each module URL through an ESM load hook (`module.register`), each
// CommonJS module from `require.cache`, and each file read through `fs` (the Node glue reads
// the `.wasm` itself). Only files of the entry's own package count (`node:` built-ins and
// other packages do not); files that exist for other runtimes or for bundles (the inlined
// base64 module, the ESM copies of the helpers) are not loaded, so they are not counted.
//
// Browser (ours): a static graph from the browser entry of pkg/package.json, following what a
// browser follows: static `import`/`export … from` of relative modules and
// `new URL('…', import.meta.url)` (how the entry names the `.wasm` it fetches); never
// `require()` or a file name mentioned in a comment.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { otherSpecifier } from './stores.mjs';

/** Raw, gzip -9 and brotli sizes of one buffer. */
function measure(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes).length,
  };
}

/** Sums the sizes of files, split into wasm and JavaScript. */
function tally(files, root) {
  const zero = () => ({ raw: 0, gzip: 0, brotli: 0 });
  const out = { files: [], wasm: zero(), js: zero() };
  for (const file of files) {
    const bytes = readFileSync(file);
    const size = measure(bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    out.files.push({ path: relative(root, file), ...size, sha256 });
    const kind = file.endsWith('.wasm') ? out.wasm : out.js;
    for (const key of Object.keys(size)) kind[key] += size[key];
  }
  out.total = Object.fromEntries(Object.keys(out.js).map((k) => [k, out.js[k] + out.wasm[k]]));
  return out;
}

// ---- Node: what a process really loads ----

/** ESM load hook (runs on the hooks thread): appends each loaded file's path to `data.log`. */
const HOOKS = `
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, nextLoad) {
  if (url.startsWith('file:')) appendFileSync(log, fileURLToPath(url) + '\\n');
  return nextLoad(url, context);
}
`;

/** The child's script: argv = [entry URL, log file]. Prints the files it loaded, as JSON. */
const PROBE = `
import { register, createRequire } from 'node:module';
import fs from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
const [entry, log] = process.argv.slice(1);
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), { data: { log } });
const read = new Set();
const note = (path) => {
  if (path instanceof URL) read.add(fileURLToPath(path));
  else if (typeof path === 'string') read.add(resolve(path));
};
for (const name of ['readFileSync', 'openSync', 'readFile', 'open']) {
  const original = fs[name];
  fs[name] = function (path, ...rest) { note(path); return original.call(this, path, ...rest); };
}
for (const name of ['readFile', 'open']) {
  const original = fs.promises[name];
  fs.promises[name] = function (path, ...rest) { note(path); return original.call(this, path, ...rest); };
}
const { InMemoryTaskStore } = await import(entry);
const store = new InMemoryTaskStore();
const task = await store.createTask({ ttl: 3600000 }, 1, { method: 'tools/call', params: { name: 'tool' } }, 'session-0');
await store.getTask(task.taskId, 'session-0');
store.cleanup();
const files = new Set([...read, ...Object.keys(createRequire(import.meta.url).cache)]);
for (const line of fs.readFileSync(log, 'utf8').split('\\n')) if (line) files.add(line);
process.stdout.write(JSON.stringify([...files]));
`;

/** The directory of the package that holds `file`: the nearest package.json with a name. */
function packageRoot(file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json with a name above ${file}`);
  }
}

/**
 * The files of its own package that a fresh Node process loads when it imports `entry` (a
 * path) as an ES module, creates an `InMemoryTaskStore` and one task, and reads the task.
 */
export function nodeLoadedFiles(entry) {
  const root = packageRoot(entry);
  const dir = mkdtempSync(join(tmpdir(), 'sizes-'));
  let out;
  try {
    out = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', PROBE,
      pathToFileURL(entry).href, join(dir, 'loaded.txt')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return JSON.parse(out).filter((f) => f.startsWith(root + sep) && existsSync(f)).sort();
}

// ---- browser: a static graph of what a browser fetches ----

/** Relative specifiers of static imports/re-exports: `import x, { y as z } from './m.js'`, `import './m.js'`. */
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w$*\s{},]*?\s*from\s*)?(['"])(\.{1,2}\/[^'"]+)\1/g;
/** Assets a module names relative to itself: `new URL('./x.wasm', import.meta.url)`. */
const ASSET_URL = /\bnew\s+URL\(\s*(['"])([^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;

/** Every file a browser fetches from `entry` (an ES module), sorted. */
function browserGraph(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    if (!existsSync(file)) throw new Error(`${file} is imported but missing: is pkg/ complete?`);
    seen.add(file);
    if (file.endsWith('.wasm')) return;
    const source = readFileSync(file, 'utf8');
    for (const [, , spec] of source.matchAll(STATIC_IMPORT)) visit(resolve(dirname(file), spec));
    for (const [, , spec] of source.matchAll(ASSET_URL)) visit(resolve(dirname(file), spec));
  };
  visit(entry);
  return [...seen].sort();
}

// ---- both stores ----

/** The Node ESM entry and the browser entry of a built package directory. */
function entries(pkg) {
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  const dot = manifest.exports['.'];
  // A condition's target is a path, or an object of nested conditions ({ types, default }).
  const target = (t) => (typeof t === 'string' || t === undefined ? t : t.default);
  return {
    node: resolve(pkg, target(dot.node?.import) ?? target(dot.import) ?? manifest.main),
    browser: resolve(pkg, target(dot.browser) ?? manifest.browser ?? target(dot.default)),
  };
}

/** What a Node import of the package built in `pkg` loads, sized (paths relative to `root`). */
export function nodeImportSizes(pkg, root = pkg) {
  const { node } = entries(pkg);
  const sizes = tally(nodeLoadedFiles(node), root);
  if (sizes.wasm.raw === 0) throw new Error(`no .wasm loaded by ${node}: is pkg/ complete?`);
  return sizes;
}

/** Sizes of both stores; `root` is the project root, `pkg` the built package directory. */
export function packageSizes(root, pkg = join(root, 'pkg')) {
  const other = otherSpecifier();
  const sdkEntry = fileURLToPath(other.startsWith('file:') ? other : import.meta.resolve(other));
  return {
    oursNode: nodeImportSizes(pkg, root),
    oursBrowser: tally(browserGraph(entries(pkg).browser), root),
    sdk: tally(nodeLoadedFiles(sdkEntry), root),
  };
}
