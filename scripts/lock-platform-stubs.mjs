// Why: the npm registry mirror this project's machines use has no metadata for other platforms' optional binaries
// (e.g. @duckdb/node-bindings-darwin-arm64), so `npm install` leaves them out of package-lock.json and `npm ci`
// then refuses the lock ("Missing: ... from lock file"; npm/cli#9342, #8320). This adds a version-only entry with
// os/cpu/libc for each missing platform package; npm skips them on other platforms and resolves them normally on
// their own. Run after any `npm install` that rewrites the lock: `node scripts/lock-platform-stubs.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [key, entry] of Object.entries(pkgs)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${name}`;
    if (pkgs[target]) continue;
    const os = /(android|darwin|linux|win32|freebsd)/.exec(name)?.[1];
    const cpu = /(arm64|x64|ia32|arm)(?!\w)/.exec(name)?.[1];
    if (!os || !cpu) {
      console.warn(`skipped ${name} (${key}): cannot tell its platform from the name`);
      continue;
    }
    pkgs[target] = {
      version,
      cpu: [cpu],
      ...(entry.dev ? { dev: true } : {}),
      ...(name.includes('musl') ? { libc: ['musl'] } : {}),
      optional: true,
      os: [os],
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform stubs added`);
