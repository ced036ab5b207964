// What each store costs to ship: the files a Node user's import loads, raw and compressed.
//
// Ours: the Node entry (index.node.mjs), the wasm-bindgen glue and the .wasm; the browser
// entry with its glue and .wasm is reported too. The SDK's store: its module and every
// module it imports relatively, recursively (node: built-ins are not counted).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { SPECIFIERS } from './stores.mjs';

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
  const out = { files: [], wasm: { raw: 0, gzip: 0, brotli: 0 }, js: { raw: 0, gzip: 0, brotli: 0 } };
  for (const file of files) {
    const size = measure(readFileSync(file));
    out.files.push({ path: relative(root, file), ...size });
    const kind = file.endsWith('.wasm') ? out.wasm : out.js;
    for (const key of Object.keys(size)) kind[key] += size[key];
  }
  out.total = Object.fromEntries(Object.keys(out.js).map((k) => [k, out.js[k] + out.wasm[k]]));
  return out;
}

/** The relative-import closure of an ES module file. */
function moduleGraph(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]/gm)) {
      visit(resolve(dirname(file), m[1]));
    }
    for (const m of source.matchAll(/^\s*import\s*['"](\.[^'"]+)['"]/gm)) {
      visit(resolve(dirname(file), m[1]));
    }
  };
  visit(entry);
  return [...seen];
}

/** Sizes of both stores; `root` is the project root (with pkg/ built). */
export function packageSizes(root) {
  const pkg = join(root, 'pkg');
  const wasmName = 'mcp_task_store_wasm';
  const sdkEntry = fileURLToPath(import.meta.resolve(SPECIFIERS.sdk));
  return {
    oursNode: tally([
      join(pkg, 'index.node.mjs'), join(pkg, 'node', `${wasmName}.js`), join(pkg, 'node', `${wasmName}_bg.wasm`),
    ], root),
    oursBrowser: tally([
      join(pkg, 'index.browser.mjs'), join(pkg, 'web', `${wasmName}.js`), join(pkg, 'web', `${wasmName}_bg.wasm`),
    ], root),
    sdk: tally(moduleGraph(sdkEntry), root),
  };
}
