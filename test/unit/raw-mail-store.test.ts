import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileRawMailStore, localMailDirectory } from '../../shared/adapters/local-files/raw-mail-store';
import { memoryRawMailStore } from '../../shared/adapters/memory/raw-mail-store';

describe('raw mail stores', () => {
  it('keeps raw mail as .eml files under the data dir and reads it back by the reference it returned', async () => {
    const dir = localMailDirectory(mkdtempSync(join(tmpdir(), 'watchdog-raw-')));
    const store = fileRawMailStore(dir);
    const raw = Buffer.from('From: a@b.test\r\n\r\nhi\r\n');
    const ref = await store.put('2026-11-23/abc', raw);
    expect(ref).toBe(join(dir, '2026-11-23', 'abc.eml'));
    expect(readFileSync(ref)).toEqual(raw);
    expect(await store.get(ref)).toEqual(raw);
  });

  it('never writes outside its directory', async () => {
    const store = fileRawMailStore(mkdtempSync(join(tmpdir(), 'watchdog-raw-')));
    await expect(store.put('../../etc/evil', Buffer.from('x'))).rejects.toThrow(/leaves/);
  });

  it('keeps raw mail in memory for --in-memory', async () => {
    const store = memoryRawMailStore();
    const ref = await store.put('k', Buffer.from('x'));
    expect((await store.get(ref)).toString()).toBe('x');
    await expect(store.get('memory:nope')).rejects.toThrow();
  });
});
