// Shared test helpers: running the CLI, fetching the pinned SDK packages into <repo>/.cache/sdk/.

import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(TOOL_DIR, '..', '..');
export const CLI = path.join(TOOL_DIR, 'cli.mjs');
export const SPEC = path.join(REPO, 'spec', 'inbox-v2.yaml');
const CACHE = path.join(REPO, '.cache', 'sdk');

/** The SDK packages the tests read, pinned. */
export const PACKAGES = {
  messages: ['@wix/auto_sdk_inbox_messages', '1.0.41'],
  conversations: ['@wix/auto_sdk_inbox_conversations', '1.0.33'],
  notes: ['@wix/auto_sdk_crm_notes', '1.0.39'],
};

/** Runs `node cli.mjs ...args`; returns {status, stdout, stderr}. */
export function runCli(args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Directory of the unpacked package `name@version` (its `package/` folder). When absent it is
 * fetched with `npm pack` (the configured registry) and unpacked into a private temporary folder
 * that is then renamed into place, so that concurrent test processes never see half a package.
 */
export function packageDir(name, version) {
  const base = `${name.replace(/^@/, '').replace(/\//g, '-')}-${version}`;
  const final = path.join(CACHE, base);
  const pkg = path.join(final, 'package');
  if (fs.existsSync(path.join(pkg, 'package.json'))) return pkg;
  fs.mkdirSync(CACHE, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(CACHE, `.tmp-${base}-`));
  try {
    const out = execFileSync('npm', ['pack', `${name}@${version}`, '--json', '--pack-destination', tmp, '--ignore-scripts'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [{ filename }] = JSON.parse(out);
    const tgz = path.join(tmp, path.basename(filename));
    execFileSync('tar', ['-xzf', tgz, '-C', tmp]);
    fs.unlinkSync(tgz);
    fs.chmodSync(tmp, 0o755);
    try {
      fs.renameSync(tmp, final);
    } catch (e) {
      // Another process finished first: keep its copy.
      if (!['ENOTEMPTY', 'EEXIST', 'EPERM'].includes(e.code)) throw e;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (!fs.existsSync(path.join(pkg, 'package.json'))) throw new Error(`npm pack ${name}@${version} gave no package/package.json`);
  return pkg;
}

/** A fresh temporary directory removed when the process exits. */
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `wix-sdk-${prefix}-`));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Copies a package folder to a temporary place for tests that damage it. */
export function copyPackage(src) {
  const dir = path.join(tempDir('pkg'), 'package');
  fs.cpSync(src, dir, { recursive: true });
  return dir;
}

/**
 * Line difference of two texts as the lines between their common prefix and suffix:
 * {at, removed, added} (`at` = 0-based index of the first differing line).
 */
export function lineDelta(a, b) {
  const la = a.split('\n');
  const lb = b.split('\n');
  let pre = 0;
  while (pre < la.length && pre < lb.length && la[pre] === lb[pre]) pre += 1;
  let suf = 0;
  while (suf < la.length - pre && suf < lb.length - pre && la[la.length - 1 - suf] === lb[lb.length - 1 - suf]) suf += 1;
  return { at: pre, removed: la.slice(pre, la.length - suf), added: lb.slice(pre, lb.length - suf) };
}
