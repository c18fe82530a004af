// Drives the official GitHub cache client (@actions/cache, installed by eng/install-actions-cache.sh)
// for eng/bench-official.sh: one save or one restore per process, as a workflow step makes.
//   node eng/official-cache.mjs save    <workspace> <path> <key>
//   node eng/official-cache.mjs restore <workspace> <path> <key>
// <path> is relative to <workspace> (the client stores paths relative to GITHUB_WORKSPACE, so a
// restore into another workspace recreates <path> there). Exits non-zero unless the save stored the
// entry or the restore hit <key> exactly. The runner's variables come from the environment.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [operation, workspace, path, key] = process.argv.slice(2);
if (!['save', 'restore'].includes(operation) || !workspace || !path || !key) {
  console.error('usage: node official-cache.mjs save|restore <workspace> <path> <key>');
  process.exit(2);
}

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const prefix = process.env.ACTIONS_CACHE_PREFIX ?? join(repo, '.tools', 'actions-cache');
const cache = await import(pathToFileURL(join(prefix, 'node_modules', '@actions', 'cache', 'lib', 'cache.js')).href);

process.env.GITHUB_WORKSPACE = workspace;
process.env.ACTIONS_CACHE_SERVICE_V2 = 'true';
process.chdir(workspace);

const started = process.hrtime.bigint();
if (operation === 'save') {
  const id = await cache.saveCache([path], key);
  if (!(id > 0)) {
    console.error(`the official client did not save '${key}' (cache id ${id})`);
    process.exit(1);
  }
} else {
  const hit = await cache.restoreCache([path], key);
  if (hit !== key) {
    console.error(`the official client did not restore '${key}' (got ${hit})`);
    process.exit(1);
  }
}

console.log(`client-seconds: ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(3)}`);
