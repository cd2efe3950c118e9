import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkMail, confusion, parseLabels, summarise, VERDICTS, verdictOf, type CheckedMail, type Expected, type Verdict } from '../infra/local/check-mail';
import { readMailFiles } from '../infra/local/mail-files';
import { DEMO_CONFIG } from '../infra/local/options';
import { loadConfigFile } from '../shared/config/load';
import { ConfigError } from '../shared/domain/errors';

const USAGE = `Usage: npm run check-mail -- <folder of .eml files | mbox file> [options]

A dry run on your own mail: every message goes through what the watchdog does with mail it receives (the same
code as the SMTP listener and the inbound Lambda), with nothing stored and nothing sent. It prints, per message,
what would have happened — a new inquiry and who is acknowledged, a follow-up, a staff reply, ignored and why,
quarantined and why — and a summary table.

  --config FILE     watchdog config (default: WATCHDOG_CONFIG, else config/demo.json)
  --inbox ID        the inbox the mail is delivered to (default: the first)
  --labels FILE     a TSV of "file<TAB>ack|no-ack" lines (ack = a person, no-ack = a robot): prints the confusion
                    table and every mail on the wrong side
  --quiet           the tables only, no line per message
`;

const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const cut = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

function line(mail: CheckedMail): string {
  const what =
    mail.outcome === 'inquiry'
      ? mail.acknowledged
        ? `new inquiry, acknowledged to ${mail.acknowledged}${mail.topic ? ` ("${cut(mail.topic, 60)}")` : ''}`
        : `new inquiry from ${mail.customer ?? '?'}, not acknowledged: ${mail.noAckReason}`
      : `${mail.outcome}: ${mail.reason}`;
  return `${pad(cut(mail.name, 58), 58)}  ${what}`;
}

function table(rows: Array<[string, Record<Verdict, number>]>, columns: Verdict[]): string {
  const width = Math.max(...rows.map(([label]) => label.length), 8);
  const head = `${pad('', width)}  ${columns.map((c) => pad(c, Math.max(c.length, 5))).join('  ')}`;
  const body = rows.map(([label, counts]) => `${pad(label, width)}  ${columns.map((c) => pad(String(counts[c]), Math.max(c.length, 5))).join('  ')}`);
  return [head, ...body].join('\n');
}

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { config: { type: 'string' }, inbox: { type: 'string' }, labels: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length !== 1) {
    process.stdout.write(USAGE);
    process.exitCode = values.help ? 0 : 2;
  } else {
    const config = loadConfigFile(values.config || process.env.WATCHDOG_CONFIG || DEMO_CONFIG);
    const mails = await readMailFiles(positionals[0]!);
    const checked = await checkMail(config, mails, { ...(values.inbox ? { inboxId: values.inbox } : {}) });
    if (!values.quiet) for (const mail of checked) process.stdout.write(`${line(mail)}\n`);
    const summary = summarise(checked);
    const used = VERDICTS.filter((v) => summary.byVerdict[v] > 0);
    process.stdout.write(`\n${summary.total} messages, nothing stored, nothing sent\n${table([['all', summary.byVerdict]], used)}\n`);
    process.stdout.write(`acknowledgements to a form platform's own address: ${summary.acknowledgedPlatform}\n`);
    process.stdout.write(`parse time: p50 ${summary.parseMs.p50.toFixed(2)} ms, p99 ${summary.parseMs.p99.toFixed(2)} ms, max ${summary.parseMs.max.toFixed(2)} ms\n`);
    if (values.labels) {
      const result = confusion(checked, parseLabels(readFileSync(values.labels, 'utf8')));
      const rows: Array<[string, Record<Verdict, number>]> = (['ack', 'no-ack'] as Expected[]).map((e) => [e === 'ack' ? 'labelled ack (person)' : 'labelled no-ack (robot)', result.rows[e]]);
      process.stdout.write(`\nconfusion against ${values.labels}\n${table(rows, VERDICTS)}\n`);
      process.stdout.write(`robots acknowledged: ${result.robotsAcknowledged.length}${result.robotsAcknowledged.length ? ` (${result.robotsAcknowledged.join(', ')})` : ''}\n`);
      process.stdout.write(`robots made inquiries (acknowledged or not): ${result.robotsAsCustomers.length}${result.robotsAsCustomers.length ? ` (${result.robotsAsCustomers.join(', ')})` : ''}\n`);
      process.stdout.write(`humans lost (ignored, quarantined, unroutable): ${result.humansLost.length}${result.humansLost.length ? ` (${result.humansLost.join(', ')})` : ''}\n`);
      if (result.unlabelled.length) process.stdout.write(`not in the labels: ${result.unlabelled.length} (${result.unlabelled.slice(0, 10).join(', ')}${result.unlabelled.length > 10 ? ', …' : ''})\n`);
      if (result.missing.length) process.stdout.write(`labelled but not found: ${result.missing.length} (${result.missing.slice(0, 10).join(', ')}${result.missing.length > 10 ? ', …' : ''})\n`);
      const wrong = checked.filter((m) => result.robotsAsCustomers.includes(m.name) || result.humansLost.includes(m.name));
      if (wrong.length && values.quiet) for (const mail of wrong) process.stdout.write(`  ${line(mail)}\n`);
    }
  }
} catch (error) {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`check-mail: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
