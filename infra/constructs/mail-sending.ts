import { Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
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

/** Outgoing mail through SES: who may send, and as whom. */
export class MailSending extends Construct {
  /** ARNs of the SES identities of the configured senders; nothing else may be sent as. */
  readonly identityArns: string[];

  constructor(scope: Construct, id: string, props: MailSendingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.identityArns = senderIdentities(props.config).map((identity) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
    );
  }

  grantSendRawEmail(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({ grantee, actions: ['ses:SendRawEmail'], resourceArns: this.identityArns });
  }
}
