/**
 * The lock file of an embedded database: one holder at a time, even in one process; a lock of a
 * process that is gone, or without a pid, is taken over; the owner removes only its own lock.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { takeDirectoryLock } from '../../packages/cli/dist/db/file-lock.js';

let dir: string;
let lock: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vault-lock-'));
  lock = join(dir, 'pgdata.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('takeDirectoryLock', () => {
  it('writes the pid whole, refuses a second holder in the same process, and releases', () => {
    const release = takeDirectoryLock(lock, 'DB');
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
    expect(() => takeDirectoryLock(lock, 'DB')).toThrow(`the embedded database DB is in use by another vault process (pid ${process.pid})`);
    release();
    expect(existsSync(lock)).toBe(false);
    takeDirectoryLock(lock, 'DB')();
  });

  it('takes over a lock of a process that is gone, or a lock without a pid', () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    for (const text of [`${gone}\n`, '', 'garbage', '-1\n']) {
      writeFileSync(lock, text);
      const release = takeDirectoryLock(lock, 'DB');
      expect(readFileSync(lock, 'utf8'), JSON.stringify(text)).toBe(`${process.pid}\n`);
      release();
    }
  });

  it('the owner never removes a lock that is no longer its own', () => {
    const release = takeDirectoryLock(lock, 'DB');
    writeFileSync(lock, '1\n');
    release();
    expect(readFileSync(lock, 'utf8')).toBe('1\n');
  });

  it('refuses a lock that is not a plain file, and leaves it', () => {
    mkdirSync(lock);
    expect(() => takeDirectoryLock(lock, 'DB')).toThrow(
      `cannot lock the embedded database DB: ${lock} is not a lock file vault made (it is not a plain file); remove it if no vault process is running`,
    );
    expect(existsSync(lock)).toBe(true);
  });

  it('leaves no temporary file behind', () => {
    writeFileSync(lock, 'garbage');
    takeDirectoryLock(lock, 'DB')();
    expect(existsSync(lock)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
