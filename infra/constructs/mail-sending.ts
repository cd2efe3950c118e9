import { Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { CfnConfigurationSet } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { WatchdogConfig } from '../../shared/config/schema';
import { addressOf, domainOf } from '../../shared/messages/addresses';

/**
 * The SES identities the watchdog sends as: the domain of each inbox's `from` address, plus the address itself,
 * because SES authorises a send against the address identity when that address is verified on its own (common
 * while an account is in the SES sandbox) and against the domain identity otherwise.
 */
export function senderIdentities(config: WatchdogConfig): string[] {
  const identities = new Set<string>();
  for (const inbox of config.inboxes) {
    identities.add(domainOf(inbox.from));
    identities.add(addressOf(inbox.from));
  }
  return [...identities].sort();
}

export interface MailSendingProps {
  readonly config: WatchdogConfig;
}

/**
 * Outgoing mail through SES: who may send, and as whom, through a configuration set whose suppression options
 * stop mail to addresses that bounced or complained — so such an address is never acknowledged again.
 */
export class MailSending extends Construct {
  /** ARNs of the SES identities of the configured senders; nothing else may be sent as. */
  readonly identityArns: string[];
  readonly configurationSet: CfnConfigurationSet;
  readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, props: MailSendingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.identityArns = senderIdentities(props.config).map((identity) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
    );
    this.configurationSet = new CfnConfigurationSet(this, 'ConfigurationSet', {
      suppressionOptions: { suppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      reputationOptions: { reputationMetricsEnabled: true },
      sendingOptions: { sendingEnabled: true },
    });
    this.configurationSetArn = stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.ref });
  }

  grantSendRawEmail(grantee: IGrantable): Grant {
    // SES authorises a send against the identity and, when one is named, the configuration set.
    return Grant.addToPrincipal({ grantee, actions: ['ses:SendRawEmail'], resourceArns: [...this.identityArns, this.configurationSetArn] });
  }
}
