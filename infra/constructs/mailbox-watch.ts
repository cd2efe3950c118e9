import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { WatchdogConfig } from '../../shared/config/schema';
import type { RuleDeadLetters } from './rule-dead-letters';
import { TickSchedule } from './tick-schedule';
import { WatchdogFunction, type WatchdogFunctionProps } from './watchdog-function';

export interface MailboxWatchProps {
  readonly config: WatchdogConfig;
  /** What every watchdog function gets (table, bus, secrets path, configuration set). */
  readonly shared: Omit<WatchdogFunctionProps, 'entry' | 'description' | 'timeout'>;
  /** Grants the function what its access manifest names (the stack's one grantAccess). */
  readonly grant: (fn: WatchdogFunction) => WatchdogFunction;
  readonly alarmTopic: ITopic;
  /** The stack's dead-letter queue of rule targets, where a failed watch run is parked. */
  readonly deadLetters: RuleDeadLetters;
}

/** A mailbox not read for this long raises an alarm (three 5-minute periods without a read). */
export const MAILBOX_UNREAD_ALARM = { period: Duration.minutes(5), periods: 3 };

/**
 * The mailbox watch on AWS: one function, run every minute, reads every connected mailbox (each on its own, within
 * a time budget). It may read only the mailbox secrets (`<path>/mailbox/…`), and an alarm per mailbox fires when
 * its `MailboxRead` metric (written by the function as an embedded-metric log line) stayed away for 15 minutes.
 */
export class MailboxWatch extends Construct {
  readonly fn: WatchdogFunction;
  readonly schedule: TickSchedule;
  readonly unreadAlarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MailboxWatchProps) {
    super(scope, id);
    // Its grants come from its access manifest (functions/mailbox-watch.access.ts), through the stack's grantAccess.
    const fn = (this.fn = props.grant(
      new WatchdogFunction(this, 'Function', {
        ...props.shared,
        entry: 'functions/mailbox-watch.ts',
        description: 'inquiry-watchdog: reads connected mailboxes (IMAP): Sent → replies, INBOX → inquiries',
        timeout: Duration.seconds(55),
        memorySize: 512,
      }),
    ));

    this.schedule = new TickSchedule(this, 'Schedule', {
      target: fn.function,
      every: Duration.minutes(1),
      description: 'Reads every connected mailbox (IMAP) for what is new since its checkpoint',
      name: 'mailbox-watch',
      staleAfter: Duration.minutes(2),
      deadLetters: props.deadLetters,
    });

    const action = new SnsAction(props.alarmTopic);
    for (const inbox of props.config.inboxes.filter((i) => i.mailbox)) {
      const alarm = new Alarm(this, `Unread-${inbox.id}`, {
        metric: new Metric({ namespace: 'InquiryWatchdog', metricName: 'MailboxRead', dimensionsMap: { Inbox: inbox.id }, period: MAILBOX_UNREAD_ALARM.period, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: MAILBOX_UNREAD_ALARM.periods,
        treatMissingData: TreatMissingData.BREACHING,
        alarmDescription: `The mailbox of "${inbox.id}" (${inbox.mailbox!.user}) has not been read for 15 minutes: replies sent from it are not seen. The status page shows why (login, Sent folder, connection).`,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.unreadAlarms.push(alarm);
    }
  }
}
