import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenLinks, headingAnchors } from '../support/doc-links';

const ROOT = process.cwd();
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

describe('links in README.md and docs/', () => {
  it('every relative link reaches an existing file, and every #anchor a heading of that page', () => {
    const { checked, broken } = brokenLinks(ROOT, DOCS);
    expect(broken).toEqual([]);
    // The README links to every docs page and the pages to each other: far more than a handful.
    expect(checked).toBeGreaterThan(80);
  });

  it('every docs page is linked from the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(DOCS.filter((file) => file !== 'README.md' && !readme.includes(`](${file})`))).toEqual([]);
  });
});

describe('the link checker', () => {
  it('makes anchors as GitHub does', () => {
    const anchors = headingAnchors(
      ['# Running locally', '## `npm start` options', '### Google Workspace / Gmail with OAuth 2 (a refresh token, step by step)', '## 5. Secrets', '## Notes', '## Notes', '```', '## not a heading', '```'].join('\n'),
    );
    expect([...anchors]).toEqual(['running-locally', 'npm-start-options', 'google-workspace--gmail-with-oauth-2-a-refresh-token-step-by-step', '5-secrets', 'notes', 'notes-1']);
  });

  it('finds a missing file, a missing anchor and a link out of the project, and ignores code and external links', () => {
    const root = mkdtempSync(join(tmpdir(), 'doc-links-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs', 'a.md'), '# A\n\n## Here\n');
    writeFileSync(
      join(root, 'README.md'),
      [
        '# Top',
        'Fine: [a](docs/a.md), [here](docs/a.md#here), [self](#top), [web](https://example.com/x.md), [mail](mailto:x@example.com).',
        'Broken: [gone](docs/b.md) and [no anchor](docs/a.md#there).',
        'Outside: [up](../elsewhere.md).',
        '`[code](docs/c.md)`',
        '```',
        '[fenced](docs/d.md)',
        '```',
      ].join('\n'),
    );
    const { checked, broken } = brokenLinks(root, ['README.md', 'docs/a.md']);
    expect(checked).toBe(6);
    expect(broken).toEqual([
      'README.md:3: docs/b.md — no file docs/b.md',
      'README.md:3: docs/a.md#there — docs/a.md has no heading #there',
      'README.md:4: ../elsewhere.md — points outside the project',
    ]);
  });
});
