#!/usr/bin/env node
// Runs every compiled test file with Node's test runner. Node 20's --test takes no globs, so this finds them.
// Usage: node tools/run-tests.mjs [unit|integration|all] [filter on the path inside the repository]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const [kind = 'all', filter = ''] = process.argv.slice(2);

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.js') && path.includes('/dist/')) out.push(path);
  }
  return out;
}

const unit = [...find(join(root, 'libs')), ...find(join(root, 'apps'))];
const integration = find(join(root, 'tests', 'dist'));
const selected = (kind === 'unit' ? unit : kind === 'integration' ? integration : [...unit, ...integration])
  // On the path inside the repository: a checkout folder's own name must not match every file.
  .filter((file) => relative(root, file).includes(filter))
  .sort();

if (selected.length === 0) {
  console.error(`no test files for "${kind}" matching "${filter}" (did the build run?)`);
  process.exit(1);
}
console.log(`running ${selected.length} test files:\n${selected.map((f) => `  ${relative(root, f)}`).join('\n')}`);
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...selected], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(result.status ?? 1);
