import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Relative links in the project's markdown (README.md, docs/*.md), checked the way GitHub renders them: the target
 * file must exist, and an `#anchor` must name a heading of the target page. Links inside code (fenced blocks, inline
 * spans) are text, not links, and external ones (`https:`, `mailto:` …) are left to the reader.
 */
export interface DocLink {
  file: string;
  line: number;
  target: string;
}

/** Fenced blocks become blank lines (so line numbers stay right); inline code spans are removed. */
function proseOf(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ''))
    .replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped (letters, digits, spaces, `-`, `_` kept), spaces → `-`; repeats get `-1`, `-2`. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const match of withoutFences.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = match[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

export function relativeLinks(file: string, markdown: string): DocLink[] {
  const links: DocLink[] = [];
  proseOf(markdown)
    .split('\n')
    .forEach((text, index) => {
      for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        const target = match[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        links.push({ file, line: index + 1, target });
      }
    });
  return links;
}

/** Every broken relative link of `files` (paths relative to `root`), as `file:line: target — why`. */
export function brokenLinks(root: string, files: readonly string[], read: (path: string) => string = (path) => readFileSync(path, 'utf8')): { checked: number; broken: string[] } {
  const broken: string[] = [];
  let checked = 0;
  for (const file of files) {
    for (const link of relativeLinks(file, read(join(root, file)))) {
      checked++;
      const [pathPart, anchor] = link.target.split('#', 2) as [string, string | undefined];
      const target = pathPart === '' ? join(root, file) : resolve(root, dirname(file), decodeURIComponent(pathPart));
      const where = `${link.file}:${link.line}: ${link.target}`;
      if (!target.startsWith(resolve(root))) broken.push(`${where} — points outside the project`);
      else if (!existsSync(target)) broken.push(`${where} — no file ${relative(root, target)}`);
      else if (anchor !== undefined) {
        if (!target.endsWith('.md')) broken.push(`${where} — an anchor into a file that is not markdown`);
        else if (!headingAnchors(read(target)).has(anchor)) broken.push(`${where} — ${relative(root, target)} has no heading #${anchor}`);
      }
    }
  }
  return { checked, broken };
}
