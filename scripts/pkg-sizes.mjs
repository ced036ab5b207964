// Prints the size of the package's runtime files: raw, gzip and brotli.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync } from 'node:zlib';

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
let total = [0, 0, 0];
for (const p of rows.sort()) {
  const b = readFileSync(p);
  const s = [b.length, gzipSync(b, { level: 9 }).length, brotliCompressSync(b).length];
  total = total.map((t, i) => t + s[i]);
  console.log(`${p.padEnd(40)} ${kb(s[0]).padStart(10)} ${kb(s[1]).padStart(10)} gz ${kb(s[2]).padStart(10)} br`);
}
console.log(`${'total'.padEnd(40)} ${kb(total[0]).padStart(10)} ${kb(total[1]).padStart(10)} gz ${kb(total[2]).padStart(10)} br`);
