import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptionsOf, PROJECT_ROOT, watchdogBundling } from '../../infra/constructs/watchdog-function';
import { loadConfigFile } from '../../shared/config/load';
import { DEMO_CONFIG } from '../../infra/local/options';
import { decodeSamples } from '../support/charset-probe';

/**
 * The functions are bundled with `charset: utf8` (watchdog-function.ts): character tables and other non-ASCII text
 * are written as UTF-8 instead of \uXXXX escapes. The strings must be the same at run time, so mail in legacy
 * charsets and IMAP folder names decode exactly as from source.
 */
const dir = mkdtempSync(join(PROJECT_ROOT, 'test', '.bundle-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mail = (charset: string, subject: string, body: string) =>
  Buffer.concat([
    Buffer.from(`From: =?utf-8?B?${Buffer.from('Zoë Ångström').toString('base64')}?= <zoe@example.com>\r\nTo: hello@acme.test\r\nSubject: =?${charset}?B?${iconv.encode(subject, charset).toString('base64')}?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`),
    iconv.encode(body, charset),
    Buffer.from('\r\n'),
  ]).toString('base64');

const MAILS = {
  windows1252: mail('windows-1252', 'Grüße — Café', 'Das Angebot: 5 € für den Kaffee, „sofort“.'),
  shiftJis: mail('shift_jis', '見積もりのお願い', '蛇口から水が漏れています。'),
  eucJp: mail('euc-jp', '修理の依頼', 'ボイラーの音がします。'),
  koi8r: mail('koi8-r', 'Протекает кран', 'Здравствуйте, у нас протекает кран.'),
  gb2312: mail('gb2312', '维修请求', '我们的热水器坏了。'),
  big5: mail('big5', '維修請求', '我們的熱水器壞了。'),
};

describe('bundles written as UTF-8 decode other charsets as the source does', () => {
  it('mail in windows-1252, Shift_JIS, EUC-JP, KOI8-R, GB2312 and Big5, and UTF-7 folder names', async () => {
    const options = watchdogBundling(loadConfigFile(DEMO_CONFIG));
    expect(options.charset).toBe('utf8');
    const outfile = join(dir, 'charsets.mjs');
    await build({ ...esbuildOptionsOf(options), entryPoints: [join(PROJECT_ROOT, 'test/support/charset-probe.ts')], outfile });
    const bundled = (await import(pathToFileURL(outfile).href)) as { decodeSamples: typeof decodeSamples };
    const fromBundle = await bundled.decodeSamples(MAILS);
    expect(fromBundle).toEqual(await decodeSamples(MAILS));
    expect(fromBundle).toMatchObject({
      windows1252: { subject: 'Grüße — Café', text: 'Das Angebot: 5 € für den Kaffee, „sofort“.', from: { name: 'Zoë Ångström', address: 'zoe@example.com' } },
      shiftJis: { subject: '見積もりのお願い', text: '蛇口から水が漏れています。' },
      eucJp: { subject: '修理の依頼', text: 'ボイラーの音がします。' },
      koi8r: { subject: 'Протекает кран', text: 'Здравствуйте, у нас протекает кран.' },
      gb2312: { subject: '维修请求', text: '我们的热水器坏了。' },
      big5: { subject: '維修請求', text: '我們的熱水器壞了。' },
      folder: 'Envoyés/日本語',
      folderEncoded: 'Envoy&AOk-s/&ZeVnLIqe-',
    });
    for (const charset of ['gbk', 'shift_jis', 'big5', 'euc-kr', 'windows-1252']) expect(fromBundle[`roundTrip ${charset}`], charset).toBe(iconv.decode(iconv.encode('Grüße 日本 Привет 안녕 中文', charset), charset));
  }, 60_000);
});
