import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const preview = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'scripts/preview-acknowledgement.ts', ...args], { env: { ...process.env, WATCHDOG_CONFIG: '' } });

/** `npm run preview` as an owner runs it, against the demo config. */
describe('npm run preview', () => {
  it('prints the acknowledgement for sample data and writes its HTML part to a file', async () => {
    const html = join(mkdtempSync(join(tmpdir(), 'preview-')), 'ack.html');
    // Saturday 28 November 2026, 13:00 GMT: the demo inbox closed at noon.
    const { stdout } = await preview('--inbox', 'acme', '--channel', 'email', '--at', '2026-11-28T13:00:00Z', '--name', 'DOE, JANE', '--html', html);
    expect(stdout).toContain('Subject:        Re: Leaking tap [ACM-7K3Q9P]');
    expect(stdout).toContain('In-Reply-To:    <sample.1@mail.example.com>');
    expect(stdout).toContain('Hi Jane,\n');
    expect(stdout).toContain("We've closed for the day; we're back Monday at 08:00 GMT, and one of our team will reply Monday by 12:00 GMT.");
    expect(stdout).toContain(`HTML part written to ${html}`);
    expect(readFileSync(html, 'utf8')).toContain('<p>Hi Jane,</p>');
  });

  it('prints the HTML with --html -, and names the inboxes when asked for one that does not exist', async () => {
    const { stdout } = await preview('--channel', 'form', '--html', '-', '--at', '2026-11-23T10:00:00Z', '--subject', '<b>Flood</b> & more', '--returning');
    expect(stdout).toContain('Good to hear from you again.');
    expect(stdout).toContain('and we have marked it as urgent');
    expect(stdout).toContain('--- HTML part ---');
    expect(stdout).toContain('&lt;b&gt;Flood&lt;/b&gt; &amp; more');
    await expect(preview('--inbox', 'nope')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('No inbox "nope"; this config has acme') });
  });
});
