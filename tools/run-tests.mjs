#!/usr/bin/env node
// Runs every compiled test file with Node's test runner, two files at a time. Node 20's --test takes no globs, so this
// finds them. The longest kinds start first (end-to-end, then integration, then unit), so the many short unit files
// fill the end instead of one long file running alone there. Each file's report is printed whole when the file ends,
// headed by its path and time; the end lists the totals, the failed files and the slowest ones.
// Usage: node tools/run-tests.mjs [unit|integration|all] [filter on the path inside the repository]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const [kind = 'all', filter = ''] = process.argv.slice(2);
const CONCURRENCY = 2;
const SLOWEST_LISTED = 15;
const COUNTED = ['tests', 'pass', 'fail', 'cancelled', 'skipped', 'todo'];

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.js') && path.includes('/dist/')) out.push(path);
  }
  return out;
}

/** End-to-end files take about a minute each, integration files tens of seconds, unit files about a second. */
function rank(file) {
  const path = relative(root, file);
  if (path.startsWith('tests/dist/e2e/')) return 0;
  return path.startsWith('tests/') ? 1 : 2;
}

const unit = [...find(join(root, 'libs')), ...find(join(root, 'apps'))];
const integration = find(join(root, 'tests', 'dist'));
const selected = (kind === 'unit' ? unit : kind === 'integration' ? integration : [...unit, ...integration])
  // On the path inside the repository: a checkout folder's own name must not match every file.
  .filter((file) => relative(root, file).includes(filter))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

if (selected.length === 0) {
  console.error(`no test files for "${kind}" matching "${filter}" (did the build run?)`);
  process.exit(1);
}
console.log(`running ${selected.length} test files, ${CONCURRENCY} at a time:\n${selected.map((f) => `  ${relative(root, f)}`).join('\n')}`);

const running = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGTERM');
    process.exit(130);
  });
}

function runFile(file) {
  return new Promise((resolve) => {
    const started = performance.now();
    const chunks = [];
    const child = spawn(process.execPath, ['--test-reporter=spec', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ path: relative(root, file), status: code ?? 1, signal, seconds: (performance.now() - started) / 1000, output: Buffer.concat(chunks).toString() });
    });
  });
}

function report(result) {
  const outcome = result.status === 0 ? 'passed' : `FAILED (${result.signal ?? `exit ${result.status}`})`;
  process.stdout.write(`\n── ${result.path}: ${outcome} in ${result.seconds.toFixed(1)} s\n${result.output}`);
}

/** Node's own totals at the end of each file's report (`ℹ pass 12`), added up. */
function totalsOf(results) {
  const totals = Object.fromEntries(COUNTED.map((name) => [name, 0]));
  for (const { output } of results) {
    for (const name of COUNTED) {
      const match = output.match(new RegExp(`^ℹ ${name} (\\d+)$`, 'm'));
      if (match) totals[name] += Number(match[1]);
    }
  }
  return totals;
}

const started = performance.now();
const queue = [...selected];
const results = [];
async function worker() {
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const result = await runFile(file);
    report(result);
    results.push(result);
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));

const failed = results.filter((result) => result.status !== 0);
const totals = totalsOf(results);
const slowest = [...results].sort((a, b) => b.seconds - a.seconds).slice(0, SLOWEST_LISTED);
console.log(`\n── ${results.length} test files in ${((performance.now() - started) / 1000).toFixed(0)} s: ${results.length - failed.length} passed, ${failed.length} failed`);
for (const name of COUNTED) console.log(`ℹ ${name} ${totals[name]}`);
console.log(`slowest files:\n${slowest.map((r) => `  ${r.seconds.toFixed(1).padStart(6)} s  ${r.path}`).join('\n')}`);
if (failed.length > 0) console.log(`failed files:\n${failed.map((r) => `  ${r.path} (${r.signal ?? `exit ${r.status}`})`).join('\n')}`);
process.exit(failed.length > 0 ? 1 : 0);
