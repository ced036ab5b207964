// What each store costs to ship: the files an import loads, raw and compressed.
//
// Files are found by walking the module graph from an entry point: every relative module
// specifier in a file (import/export ... from, import(), require(), new URL(...)) is
// followed, and a `.wasm` file named in a module's source next to it is counted too (the
// Node glue of wasm-bindgen builds that path at run time). `node:` built-ins and other
// packages are not counted. Ours: the Node entry and the browser entry of pkg/package.json.
// The SDK's store: the module the benchmark imports, and what it imports.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Relative specifiers in string literals: './x.js', "../y.mjs", `./z.cjs`, String.raw`./w.js`. */
const RELATIVE = /['"`](\.{1,2}\/[^'"`\s]+?\.(?:m?js|cjs|wasm))['"`]/g;
/** File names of wasm modules mentioned anywhere in a source. */
const WASM_NAME = /([\w.-]+\.wasm)\b/g;

/** Every file reached from `entry`, sorted. */
function moduleGraph(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    if (file.endsWith('.wasm')) return;
    const source = readFileSync(file, 'utf8');
    for (const [, spec] of source.matchAll(RELATIVE)) visit(resolve(dirname(file), spec));
    for (const [, name] of source.matchAll(WASM_NAME)) visit(join(dirname(file), name));
  };
  visit(entry);
  return [...seen].sort();
}

/** Sizes of both stores; `root` is the project root, `pkg` the built package directory. */
export function packageSizes(root, pkg = join(root, 'pkg')) {
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  const dot = manifest.exports['.'];
  // A condition's target is a path, or an object of nested conditions ({ types, default }).
  const target = (t) => (typeof t === 'string' || t === undefined ? t : t.default);
  const nodeEntry = resolve(pkg, target(dot.node?.import) ?? target(dot.import) ?? manifest.main);
  const browserEntry = resolve(pkg, target(dot.browser) ?? manifest.browser ?? target(dot.default));
  const other = otherSpecifier();
  const sdkEntry = fileURLToPath(other.startsWith('file:') ? other : import.meta.resolve(other));
  const sizes = {
    oursNode: tally(moduleGraph(nodeEntry), root),
    oursBrowser: tally(moduleGraph(browserEntry), root),
    sdk: tally(moduleGraph(sdkEntry), root),
  };
  if (sizes.oursNode.wasm.raw === 0) throw new Error(`no .wasm reached from ${nodeEntry}: is pkg/ complete?`);
  return sizes;
}
