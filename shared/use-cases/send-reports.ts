import type { InboxConfig } from '../config/schema';
import { buildMail, type MailContent } from '../messages/outgoing-mail';
import type { DepsWith } from '../ports/deps';
import type { InquiryStore, ClaimStore } from '../ports/store';
import { renderDigest } from '../reports/digest-mail';
import { dayOf, localTimeOn, weekBefore, weekdayOf, weekOf, type Period } from '../reports/periods';
import { weekStats } from '../reports/statistics';
import { renderWeeklyReport } from '../reports/weekly-report-mail';

export interface ReportsSummary {
  at: string;
  digests: number;
  weeklyReports: number;
  failures: number;
}

/** Claims outlive any chance of a second send for the same day or week; DynamoDB's TTL removes them later. */
const CLAIM_DAYS = 40;
/** Ratings of inquiries that arrived up to this long before the report's comparison week still count. */
const RATING_LOOKBACK_MS = 28 * 86_400_000;

/**
 * Sends whatever digest or weekly report is due at `now`, each at most once per inbox and day (week): a claim item
 * written with a condition decides which of several overlapping ticks sends it. Runs on every tick (the local
 * sweep timer, the reports schedule on AWS): from the configured local time on, a digest not yet sent today goes
 * out, so a missed tick only makes it later. A clean send failure gives the claim back for the next tick.
 */
export async function sendDueReports(deps: DepsWith<InquiryStore & ClaimStore>, now: Date = deps.clock.now()): Promise<ReportsSummary> {
  const summary: ReportsSummary = { at: now.toISOString(), digests: 0, weeklyReports: 0, failures: 0 };
  for (const inbox of deps.config.inboxes) {
    const zone = inbox.timeZone;
    if (now < localTimeOn(now, zone, inbox.reports.at)) continue;
    const today = dayOf(now, zone);
    if (inbox.reports.daily && (await once(deps, `digest#${inbox.id}#${today.label}`, now, summary, () => sendDigest(deps, inbox, now)))) summary.digests++;
    if (inbox.reports.weekly && weekdayOf(now, zone) === inbox.reports.weeklyOn) {
      const week = weekBefore(weekOf(now, zone), zone);
      if (await once(deps, `weekly#${inbox.id}#${week.label}`, now, summary, () => sendWeeklyReport(deps, inbox, week, now))) summary.weeklyReports++;
    }
  }
  if (summary.digests || summary.weeklyReports || summary.failures) deps.log.info('reports.done', { ...summary });
  return summary;
}

async function once(deps: DepsWith<InquiryStore & ClaimStore>, name: string, now: Date, summary: ReportsSummary, send: () => Promise<void>): Promise<boolean> {
  if (!(await deps.store.claimOnce(name, new Date(now.getTime() + CLAIM_DAYS * 86_400_000)))) return false;
  try {
    await send();
    return true;
  } catch (error) {
    summary.failures++;
    deps.log.error('reports.failed', { job: name, error });
    await deps.store.releaseClaim(name);
    return false;
  }
}

async function statusUrl(deps: DepsWith<InquiryStore & ClaimStore>): Promise<string | undefined> {
  const base = await deps.secrets.get('public-url');
  return base ? `${base.replace(/\/$/, '')}/` : undefined;
}

const recipients = (inbox: InboxConfig) => inbox.reports.to ?? inbox.managers;

/** The daily digest of one inbox: what is open, what is past its promised time, who has waited longest. */
export async function sendDigest(deps: DepsWith<InquiryStore & ClaimStore>, inbox: InboxConfig, now: Date): Promise<void> {
  const today = dayOf(now, inbox.timeZone);
  const yesterday = dayOf(new Date(today.start.getTime() - 1), inbox.timeZone);
  const [open, answered] = await Promise.all([deps.store.listOpen(inbox.id, 1000), deps.store.listAnswered(inbox.id, yesterday.start, yesterday.end)]);
  await mailReport(deps, inbox, 'digest', renderDigest({ open, answeredYesterday: answered.length, statusUrl: await statusUrl(deps) }, inbox, now));
}

/** The weekly report of one inbox about `week`, compared with the week before. */
export async function sendWeeklyReport(deps: DepsWith<InquiryStore & ClaimStore>, inbox: InboxConfig, week: Period, now: Date): Promise<void> {
  const previous = weekBefore(week, inbox.timeZone);
  const candidates = await deps.store.listReceived(inbox.id, new Date(previous.start.getTime() - RATING_LOOKBACK_MS), week.end);
  const stats = (period: Period) => weekStats(candidates, period, inbox.timeZone, now);
  await mailReport(deps, inbox, 'weekly-report', renderWeeklyReport(stats(week), stats(previous), inbox, { statusUrl: await statusUrl(deps) }));
}

/** One mail to the inbox's report recipients (they are colleagues: one message, everyone in To). */
async function mailReport(deps: DepsWith<InquiryStore & ClaimStore>, inbox: InboxConfig, kind: 'digest' | 'weekly-report', content: MailContent): Promise<void> {
  await deps.mailer.send(buildMail({ kind, inbox, to: recipients(inbox), content, about: inbox.id }));
}
