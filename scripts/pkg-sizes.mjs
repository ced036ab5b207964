// Prints the size of the package's runtime files (raw, gzip and brotli), then what a Node
// import really loads (bench/lib/sizes.mjs: a fresh process imports the package, creates a
// store and a task, and lists the files it read), the figure the benchmark reports.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { nodeImportSizes } from '../bench/lib/sizes.mjs';

const dir = process.argv[2] ?? 'pkg';
const rows = [];
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(wasm|m?js|cjs)$/.test(name)) rows.push(p);
  }
};
walk(dir);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const line = (label, [raw, gz, br]) =>
  console.log(`${label.padEnd(40)} ${kb(raw).padStart(10)} ${kb(gz).padStart(10)} gz ${kb(br).padStart(10)} br`);
let total = [0, 0, 0];
for (const p of rows.sort()) {
  const b = readFileSync(p);
  const s = [b.length, gzipSync(b, { level: 9 }).length, brotliCompressSync(b).length];
  total = total.map((t, i) => t + s[i]);
  line(p, s);
}
line('total', total);
const node = nodeImportSizes(dir);
const sizes = (part) => [part.raw, part.gzip, part.brotli];
line(`Node import loads: .wasm`, sizes(node.wasm));
const jsFiles = node.files.filter((f) => !f.path.endsWith('.wasm')).length;
line(`Node import loads: JS (${jsFiles} files)`, sizes(node.js));
line('Node import loads: total', sizes(node.total));
