/**
 * Which SES calls the rule-set activation custom resource makes, as a pure function of what CloudFormation asks and
 * what SES reports. SES allows one active receipt rule set per region, shared by every stack and every person in
 * the account, so this resource
 * - remembers which set was active before it took over (in its physical id, which CloudFormation hands back on
 *   update and delete) and makes that one active again when it goes: on stack delete, on the rollback of a failed
 *   create, and on a deploy with `-c activateReceiptRuleSet=false` (which removes the resource);
 * - never switches off a set it did not activate: if another one is active when it goes, it does nothing;
 * - deactivates receiving (SetActiveReceiptRuleSet without a name) only when its own set is the active one and
 *   nothing was active before it (or what was has since been deleted, so cannot be restored: SES would refuse to
 *   delete our set while it is active);
 * - refuses, with a message saying what to do, to take over another active set unless told to.
 */

export type RequestType = 'Create' | 'Update' | 'Delete';

export interface ActivationRequest {
  requestType: RequestType;
  /** This stack's rule set (ResourceProperties.RuleSetName). */
  ours: string;
  /** `-c takeOverReceiptRuleSet=true`: another active set may be replaced (and is restored later). */
  takeOver: boolean;
  /** What this resource recorded when it last succeeded (from its physical id); undefined on create. */
  recorded?: Recorded;
  /** The active rule set now (DescribeActiveReceiptRuleSet), undefined when none is. */
  active?: string;
  /** Whether `recorded.previous` still exists (asked only on delete). */
  previousExists?: boolean;
}

export interface Recorded {
  /** The set this resource made active. */
  ours: string;
  /** The set that was active before, if any. */
  previous?: string;
}

/** One SES call: SetActiveReceiptRuleSet with this name, or without one (no set active: receiving stops). */
export interface SetActive {
  ruleSetName?: string;
}

export type Decision = { calls: SetActive[]; physicalResourceId: string } | { refuse: string };

const PREFIX = 'active-receipt-rule-set';

/** Rule set names are letters, digits, `_`, `-` and `.`, so `:` separates them unambiguously. */
export function physicalIdOf(recorded: Recorded): string {
  return `${PREFIX}:${recorded.ours}:${recorded.previous ?? ''}`;
}

/** What a physical id recorded; undefined for one this resource did not write (e.g. after a refused create). */
export function recordedIn(physicalResourceId: string | undefined): Recorded | undefined {
  const [prefix, ours, previous, ...rest] = (physicalResourceId ?? '').split(':');
  if (prefix !== PREFIX || !ours || rest.length > 0) return undefined;
  return { ours, ...(previous ? { previous } : {}) };
}

/** A physical id for a create that activated nothing: a later delete must do nothing either. */
export const NOTHING_RECORDED = `${PREFIX}-not-activated`;

export function decide(request: ActivationRequest): Decision {
  const { ours, active, recorded } = request;
  if (request.requestType === 'Delete') {
    // Not ours (or never activated): whoever made another set active keeps it.
    if (!recorded || active !== recorded.ours) return { calls: [], physicalResourceId: physicalIdOrNothing(recorded) };
    if (recorded.previous && request.previousExists) return { calls: [{ ruleSetName: recorded.previous }], physicalResourceId: physicalIdOf(recorded) };
    return { calls: [{}], physicalResourceId: physicalIdOf(recorded) };
  }

  const previous = recorded?.previous;
  if (active === ours) return { calls: [], physicalResourceId: physicalIdOf({ ours, previous }) };
  // Nothing active, or our own set under its old name (the rule set was replaced): make ours active, keep what we
  // must restore.
  if (active === undefined || (recorded !== undefined && active === recorded.ours)) {
    return { calls: [{ ruleSetName: ours }], physicalResourceId: physicalIdOf({ ours, previous }) };
  }
  if (!request.takeOver) {
    return {
      refuse:
        `The receipt rule set "${active}" is active in this region, and SES allows only one. Deploy again with ` +
        `-c takeOverReceiptRuleSet=true to make this stack's set "${ours}" active ("${active}" becomes active again ` +
        `when this stack is deleted or deployed with -c activateReceiptRuleSet=false), or with ` +
        `-c activateReceiptRuleSet=false to keep "${active}" and add this stack's rules to it yourself.`,
    };
  }
  // Taking over: what was active is what we restore (if we already displaced another earlier, that one is gone
  // from view: someone activated the current one by hand since).
  return { calls: [{ ruleSetName: ours }], physicalResourceId: physicalIdOf({ ours, previous: active }) };
}

function physicalIdOrNothing(recorded: Recorded | undefined): string {
  return recorded ? physicalIdOf(recorded) : NOTHING_RECORDED;
}
