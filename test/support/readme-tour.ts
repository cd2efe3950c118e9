import { readFileSync } from 'node:fs';

/**
 * The README's tour as data: its `sh` blocks in order, each with the plain block quoted right after it (what the
 * command prints). Expected output is matched line by line, in order, each line against one later line of the
 * actual output; `…` stands for anything (a line of only `…` is skipped). So the README can quote the lines that
 * matter and elide ids, times and headers.
 */
export interface TourStep {
  command: string;
  expected?: string;
  /** Line in README.md where the command block starts, for failure messages. */
  line: number;
}

export function readmeSection(readme: string, from: string, to: string): { text: string; firstLine: number } {
  const start = readme.indexOf(from);
  const end = readme.indexOf(to, start + from.length);
  if (start < 0 || end < 0) throw new Error(`README.md has no section between "${from}" and "${to}"`);
  return { text: readme.slice(start, end), firstLine: readme.slice(0, start).split('\n').length };
}

export function tourSteps(section: string, firstLine = 1): TourStep[] {
  const fence = /^```([\w-]*)\n([\s\S]*?)^```\s*$/gm;
  const blocks: Array<{ lang: string; body: string; line: number }> = [];
  for (let match; (match = fence.exec(section)); ) {
    blocks.push({ lang: match[1]!, body: match[2]!, line: firstLine + section.slice(0, match.index).split('\n').length - 1 });
  }
  const steps: TourStep[] = [];
  blocks.forEach((block, index) => {
    if (block.lang !== 'sh') return;
    const next = blocks[index + 1];
    steps.push({ command: block.body, line: block.line, ...(next && (next.lang === '' || next.lang === 'text') ? { expected: next.body } : {}) });
  });
  return steps;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Undefined when `actual` shows every expected line in order; else the first expected line not found. */
export function missingLine(expected: string, actual: string): string | undefined {
  const lines = actual.split('\n').map((line) => line.trim());
  let at = 0;
  for (const wanted of expected.split('\n').map((line) => line.trim())) {
    if (wanted === '' || wanted === '…') continue;
    const pattern = new RegExp(`^${wanted.split('…').map(escape).join('.*?')}$`);
    const found = lines.findIndex((line, index) => index >= at && pattern.test(line));
    if (found < 0) return wanted;
    at = found + 1;
  }
  return undefined;
}

export const readReadme = (path: string) => readFileSync(path, 'utf8');
