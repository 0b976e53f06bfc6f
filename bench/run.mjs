// Runs every bench/*.bench.mjs in turn and prints its figures. Targets live
// here, never in unit tests; figures depend on the machine (2 cores, noisy).
import { readdir } from 'node:fs/promises';
import path from 'node:path';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const files = (await readdir(dir)).filter((name) => name.endsWith('.bench.mjs')).sort();
let failed = 0;
for (const file of files) {
  if (only.length > 0 && !only.some((name) => file.includes(name))) continue;
  const bench = await import(path.join(dir, file));
  console.log(`\n## ${bench.title ?? file}`);
  const results = await bench.run();
  for (const result of results) {
    const verdict = result.target === undefined ? '' : result.ok ? '  ok' : '  MISSED';
    if (result.ok === false) failed++;
    const target = result.target === undefined ? '' : ` (target ${result.target})`;
    console.log(`${result.name.padEnd(48)} ${String(result.value).padStart(12)} ${result.unit}${target}${verdict}`);
  }
}
console.log(failed === 0 ? '\nall targets met' : `\n${failed} target(s) missed`);
process.exitCode = failed === 0 ? 0 : 1;
