import { DateTime } from 'luxon';
import type { InboxConfig } from '../config/schema';
import { CHANNELS } from '../domain/inquiry';
import { htmlTemplate, textTemplate } from '../messages/render';
import { WEEKDAYS, type Weekday } from '../domain/business-hours';
import { describeChange, formatDurationShort, formatPercent, type SliceStats, type WeekStats } from './statistics';

/**
 * The weekly report. Its chart (median first reply per weekday) is drawn with table cells of a given width and
 * background colour: that renders in every mail client, Outlook and Gmail included, and survives "images off";
 * inline SVG is stripped by Gmail and Outlook, and a CID PNG would need an image library and is hidden until the
 * reader allows images. The plain-text part draws the same bars with block characters.
 */
interface FigureRow {
  label: string;
  current: string;
  previous: string;
  change: string;
  /** Green when the change is good news, red when bad, grey otherwise. */
  color: string;
}

interface BreakdownRow {
  label: string;
  received: number;
  median: string;
  p90: string;
  breachRate: string;
}

interface Bar {
  label: string;
  value: string;
  received: number;
  /** 0–100, share of the widest bar. */
  width: number;
  rest: number;
  blocks: string;
}

interface ReportData {
  business: string;
  weekLabel: string;
  previousLabel: string;
  figures: FigureRow[];
  channels: BreakdownRow[];
  /** The channel and weekday tables of the HTML part (one template for both). */
  breakdowns: Array<{ title: string; column: string; rows: BreakdownRow[] }>;
  bars: Bar[];
  ratings: { total: number; yes: number; partly: number; no: number; solved: string };
  feedbackOn: boolean;
  headline: string;
  statusUrl?: string;
}

const CHANNEL_NAMES: Record<string, string> = { email: 'Email', form: 'Web form', webhook: 'Webhook' };
const DAY_NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };

const subject = textTemplate<ReportData>('{{business}} — week of {{weekLabel}}: {{headline}}');

const text = textTemplate<ReportData>(`{{business}}: the week of {{weekLabel}}, compared with the week of {{previousLabel}}.

{{#each figures}}
  {{label}}: {{current}} (week before: {{previous}}; {{change}})
{{/each}}

Median first reply by weekday (received that day):
{{#each bars}}
  {{label}}  {{blocks}} {{value}} ({{received}} received)
{{/each}}

By channel:
{{#each channels}}
  {{label}}: {{received}} received, median {{median}}, p90 {{p90}}, {{breachRate}} past the promised time
{{/each}}
{{#if feedbackOn}}

Customer ratings given this week ("did we solve it?"): {{ratings.total}}
  Yes: {{ratings.yes}}   Partly: {{ratings.partly}}   No: {{ratings.no}}   Solved: {{ratings.solved}}
{{/if}}

First-reply time is the wall-clock time from the customer's message to the first answer; inquiries count in the week
they arrived. Past the promised time = answered after, or still unanswered after, the reply time promised to the customer.
{{#if statusUrl}}Status page: {{statusUrl}}
{{/if}}`);

const html = htmlTemplate<ReportData>(`<!doctype html>
<html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:44em">
<h2 style="margin:0 0 .2em">{{business}}: week of {{weekLabel}}</h2>
<p style="margin:0 0 1em;color:#555">Compared with the week of {{previousLabel}}.</p>
<table style="border-collapse:collapse;margin-bottom:1.2em">
<tr style="background:#f0f0f0"><th align="left" style="padding:4px 8px"></th><th align="right" style="padding:4px 8px">This week</th><th align="right" style="padding:4px 8px">Week before</th><th align="right" style="padding:4px 8px">Change</th></tr>
{{#each figures}}<tr style="border-top:1px solid #ddd"><th align="left" style="padding:4px 8px">{{label}}</th><td align="right" style="padding:4px 8px"><strong>{{current}}</strong></td><td align="right" style="padding:4px 8px">{{previous}}</td><td align="right" style="padding:4px 8px;color:{{color}}">{{change}}</td></tr>
{{/each}}
</table>
<h3 style="margin:0 0 .4em">Median first reply by weekday</h3>
<table role="presentation" width="100%" style="border-collapse:collapse;width:100%;max-width:36em;table-layout:fixed;margin-bottom:1.2em">
{{#each bars}}<tr><td width="48" style="width:48px;padding:2px 8px 2px 0;white-space:nowrap">{{label}}</td><td style="padding:2px 0"><table role="presentation" width="100%" style="border-collapse:collapse;width:100%"><tr>{{#if width}}<td width="{{width}}%" bgcolor="#1a5fb4" style="background:#1a5fb4;height:14px;font-size:1px;line-height:1px">&nbsp;</td>{{/if}}<td width="{{rest}}%" style="font-size:1px;line-height:1px">&nbsp;</td></tr></table></td><td width="120" style="width:120px;padding:2px 0 2px 8px;white-space:nowrap">{{value}} <span style="color:#777">({{received}})</span></td></tr>
{{/each}}
</table>
{{#each breakdowns}}<h3 style="margin:0 0 .4em">By {{title}}</h3>
<table style="border-collapse:collapse;margin-bottom:1.2em">
<tr style="background:#f0f0f0"><th align="left" style="padding:4px 8px">{{column}}</th><th align="right" style="padding:4px 8px">Received</th><th align="right" style="padding:4px 8px">Median</th><th align="right" style="padding:4px 8px">p90</th><th align="right" style="padding:4px 8px">Late</th></tr>
{{#each rows}}<tr style="border-top:1px solid #ddd"><td style="padding:4px 8px">{{label}}</td><td align="right" style="padding:4px 8px">{{received}}</td><td align="right" style="padding:4px 8px">{{median}}</td><td align="right" style="padding:4px 8px">{{p90}}</td><td align="right" style="padding:4px 8px">{{breachRate}}</td></tr>
{{/each}}
</table>
{{/each}}
{{#if feedbackOn}}<h3 style="margin:0 0 .4em">Customer ratings this week</h3>
<p>“Did we solve it?” — <strong>{{ratings.total}}</strong> answers: yes <strong>{{ratings.yes}}</strong>, partly <strong>{{ratings.partly}}</strong>, no <strong>{{ratings.no}}</strong> (solved: {{ratings.solved}}).</p>{{/if}}
<p style="color:#555;font-size:.9em">First-reply time is the wall-clock time from the customer's message to the first answer; inquiries count in the week they arrived. Late = answered after, or still unanswered after, the reply time promised to the customer.</p>
{{#if statusUrl}}<p><a href="{{statusUrl}}">Open the status page</a></p>{{/if}}
</body></html>
`);

const breakdown = (label: string, s: SliceStats): BreakdownRow => ({
  label,
  received: s.received,
  median: formatDurationShort(s.medianMs),
  p90: formatDurationShort(s.p90Ms),
  breachRate: formatPercent(s.breachRate),
});

function figure(label: string, current: number | undefined, previous: number | undefined, format: (n: number | undefined) => string, lowerIsBetter?: boolean): FigureRow {
  const change = lowerIsBetter === undefined ? { text: describeChange(current, previous).text, better: undefined } : describeChange(current, previous, lowerIsBetter);
  return { label, current: format(current), previous: format(previous), change: change.text, color: change.better === undefined ? '#555' : change.better ? '#1a7f37' : '#b00020' };
}

const count = (n: number | undefined) => (n === undefined ? '—' : String(n));
const weekLabel = (week: WeekStats, zone: string) => DateTime.fromJSDate(week.period.start, { zone }).setLocale('en-GB').toFormat('d LLLL yyyy');

export function renderWeeklyReport(
  current: WeekStats,
  previous: WeekStats,
  inbox: InboxConfig,
  options: { statusUrl?: string } = {},
): { subject: string; text: string; html: string } {
  const o = current.overall;
  const p = previous.overall;
  const widest = Math.max(0, ...WEEKDAYS.map((d) => current.byWeekday[d].medianMs ?? 0));
  const bars = WEEKDAYS.map((d): Bar => {
    const s = current.byWeekday[d];
    const width = widest && s.medianMs !== undefined ? Math.max(1, Math.round((s.medianMs / widest) * 100)) : 0;
    return { label: DAY_NAMES[d].slice(0, 3), value: formatDurationShort(s.medianMs), received: s.received, width, rest: 100 - width, blocks: '█'.repeat(Math.round(width / 5)).padEnd(20, '·') };
  });
  const channels = CHANNELS.filter((c) => current.byChannel[c].received || previous.byChannel[c].received).map((c) => breakdown(CHANNEL_NAMES[c]!, current.byChannel[c]));
  const data: ReportData = {
    business: inbox.name,
    weekLabel: weekLabel(current, inbox.timeZone),
    previousLabel: weekLabel(previous, inbox.timeZone),
    figures: [
      figure('Inquiries received', o.received, p.received, count),
      figure('Answered', o.answered, p.answered, count),
      figure('Median first reply', o.medianMs, p.medianMs, formatDurationShort, true),
      figure('90th percentile first reply', o.p90Ms, p.p90Ms, formatDurationShort, true),
      figure('Late (past the promised time)', o.breachRate, p.breachRate, formatPercent, true),
      ...(inbox.feedback ? [figure('Rated “solved”', current.ratings.solvedRate, previous.ratings.solvedRate, formatPercent, false)] : []),
    ],
    channels,
    breakdowns: [
      { title: 'channel', column: 'Channel', rows: channels },
      { title: 'weekday', column: 'Day', rows: WEEKDAYS.map((d) => breakdown(DAY_NAMES[d], current.byWeekday[d])) },
    ],
    bars,
    ratings: { total: current.ratings.total, ...current.ratings.counts, solved: formatPercent(current.ratings.solvedRate) },
    feedbackOn: inbox.feedback !== undefined || current.ratings.total > 0,
    headline: o.received
      ? `${o.received} inquiries, median first reply ${formatDurationShort(o.medianMs)}, ${formatPercent(o.breachRate)} late`
      : 'no inquiries',
    statusUrl: options.statusUrl,
  };
  return { subject: subject(data), text: text(data), html: html(data) };
}
