import { Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { CfnConfigurationSet, ConfigurationSet, EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { WatchdogConfig } from '../../shared/config/schema';
import { SEND_MAIL_ACTION } from '../../shared/adapters/ses/actions';
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

/** Every domain the watchdog sends from or receives at: each needs a verified SES domain identity. */
export function mailDomains(config: WatchdogConfig): string[] {
  return [...new Set(config.inboxes.flatMap((inbox) => [domainOf(inbox.from), domainOf(inbox.address)]))].sort();
}

/** A DNS record the business must add for SES (its values are CloudFormation tokens until deploy). */
export interface DnsRecord {
  domain: string;
  type: 'CNAME' | 'MX';
  name: string;
  value: string;
  why: string;
}

export interface MailSendingProps {
  readonly config: WatchdogConfig;
  /**
   * Create the SES domain identities (Easy DKIM) in this stack, so the DKIM records come out as stack outputs.
   * False when the domains are already verified in SES in this account and region (CloudFormation cannot adopt them).
   */
  readonly createIdentities: boolean;
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
  /** The DKIM records of the identities this stack creates (empty when the domains were verified beforehand). */
  readonly dnsRecords: DnsRecord[] = [];

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
    if (!props.createIdentities) return;
    const configurationSet = ConfigurationSet.fromConfigurationSetName(this, 'DefaultConfigurationSet', this.configurationSet.ref);
    for (const domain of mailDomains(props.config)) {
      // Named for its domain, never its position: an id that moved to another domain would make CloudFormation
      // replace the identity (new DKIM tokens, stale CNAMEs). CDK keeps the letters and digits of the path and adds
      // a hash of the whole path, so `a-b.test` and `ab.test` still get different logical ids.
      // The configuration set is the identity's default, so even mail sent without naming it is suppression-checked.
      const identity = new EmailIdentity(this, `Domain-${domain}`, { identity: Identity.domain(domain), configurationSet });
      for (const [name, value] of [
        [identity.dkimDnsTokenName1, identity.dkimDnsTokenValue1],
        [identity.dkimDnsTokenName2, identity.dkimDnsTokenValue2],
        [identity.dkimDnsTokenName3, identity.dkimDnsTokenValue3],
      ] as const) {
        this.dnsRecords.push({ domain, type: 'CNAME', name, value, why: 'DKIM: verifies the domain in SES and signs its mail' });
      }
    }
  }

  grantSendRawEmail(grantee: IGrantable): Grant {
    // SES authorises a send against the identity and, when one is named, the configuration set.
    return Grant.addToPrincipal({ grantee, actions: [SEND_MAIL_ACTION], resourceArns: [...this.identityArns, this.configurationSetArn] });
  }
}
