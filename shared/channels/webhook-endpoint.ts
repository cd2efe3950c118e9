import { findInbox } from '../config/inboxes';
import { NotFoundError, RetryableError, UnauthorizedError } from '../domain/errors';
import { json, PayloadTooLargeError, type HttpRequest, type HttpResponse } from '../http/http';
import type { Deps } from '../ports/deps';
import type { SecretName } from '../ports/secrets';
import { secretEnvName } from '../ports/secrets';
import { receiveInquiry, type InquiryInput, type ReceiveResult } from '../use-cases/receive-inquiry';
import { sameContentWithin } from './dedupe';
import { buildContent } from './field-mapping';
import { answersToRoles } from './providers/answers';
import { PROVIDERS } from './providers';
import { splitSecrets } from './signatures/compare';
import { verifyStandardWebhook } from './signatures/standard-webhooks';
import { inboxWebhookSecretName, weakWebhookSecrets } from './signatures/webhook-secret-rule';
import { parseJsonBody, parseWebhook, WEBHOOK_BODY_LIMIT } from './webhook';

/**
 * The webhook doors. Signatures are checked on the raw bytes before anything is parsed. An inbox without a secret
 * accepts unsigned deliveries only where the runtime allows it (locally, announced at start-up); on AWS it refuses.
 */
async function secretsFor(deps: Deps, name: SecretName): Promise<string[] | 'unsigned'> {
  const value = await deps.secrets.get(name);
  const secrets = splitSecrets(value);
  // The strength rule covers the inbox's own Standard Webhooks secret, not a provider's (`…/typeform`).
  const weak = name.split('/').length === 2 ? weakWebhookSecrets(secretEnvName(name), value) : [];
  // The local runtime refuses to start with one and the deploy-time check refuses to deploy one; should one be stored
  // after a deploy, deliveries wait (503, providers retry) until it is fixed.
  if (weak.length) throw new RetryableError(`Webhooks to this inbox are paused: ${weak.join('; ')}`);
  if (secrets.length) return secrets;
  if (deps.allowUnsignedWebhooks) return 'unsigned';
  throw new UnauthorizedError(`Webhooks to this inbox are refused: no signing secret is configured (${name}; locally ${secretEnvName(name)})`);
}

/** Before any HMAC is computed over it: a flood of large bodies costs a length check, nothing more. */
function refuseOversized(request: HttpRequest): void {
  if (request.body.length > WEBHOOK_BODY_LIMIT) throw new PayloadTooLargeError(`Body is larger than ${WEBHOOK_BODY_LIMIT / 1024} KB`);
}

async function receive(deps: Deps, input: InquiryInput): Promise<HttpResponse> {
  return receipt(await receiveInquiry(deps, input, { sameContentWithin: sameContentWithin(input) }));
}

/**
 * The 202 answer. It says whether the customer was acknowledged and, if not, why (a cap, say): the sender of a
 * webhook is the business's own system, and a silent "accepted" hid suppressed acknowledgements. (Public forms do
 * not say it: a stranger would learn whether an address wrote in recently.)
 */
function receipt({ inquiry, duplicate }: ReceiveResult): HttpResponse {
  const { state, reason } = inquiry.ack;
  const acknowledgement = state === 'sent' || !reason ? { state } : { state, reason };
  return json(202, { id: inquiry.id, reference: inquiry.reference, replyBy: inquiry.replyBy, duplicate, acknowledgement });
}

/** `POST /webhooks/{inbox}`: generic JSON, Standard Webhooks signature. */
export async function handleGenericWebhook(request: HttpRequest, inboxId: string, deps: Deps): Promise<HttpResponse> {
  const inbox = findInbox(deps.config, inboxId);
  refuseOversized(request);
  const secrets = await secretsFor(deps, inboxWebhookSecretName(inbox.id));
  if (secrets !== 'unsigned') {
    verifyStandardWebhook({ headers: request.headers, body: request.body, secrets, now: deps.clock.now(), toleranceSeconds: inbox.webhooks?.toleranceSeconds });
  }
  return receive(deps, parseWebhook(request, inbox.id, inbox.webhooks?.fields));
}

/** `POST /webhooks/{inbox}/{provider}`: a form provider's own payload and signature scheme. */
export async function handleProviderWebhook(request: HttpRequest, inboxId: string, providerName: string, deps: Deps): Promise<HttpResponse> {
  const inbox = findInbox(deps.config, inboxId);
  const provider = Object.prototype.hasOwnProperty.call(PROVIDERS, providerName) ? PROVIDERS[providerName] : undefined;
  if (!provider) throw new NotFoundError(`Webhook provider "${providerName.slice(0, 40)}" is not supported (supported: ${Object.keys(PROVIDERS).join(', ')}); post generic JSON to /webhooks/${inbox.id}`);
  refuseOversized(request);
  const secrets = await secretsFor(deps, `webhook-secret/${inbox.id}/${providerName}`);
  if (secrets !== 'unsigned') provider.verify(request.headers, request.body, secrets);
  const { eventId, answers, meta } = provider.read(parseJsonBody(request));
  const { raw, fields } = answersToRoles(answers);
  const content = buildContent(raw, fields, `Invalid ${providerName} response`);
  const input: InquiryInput = { inboxId: inbox.id, channel: 'webhook', deliveryId: `${providerName}:${eventId.slice(0, 200)}`, ...content };
  // The same-content key is computed before the provider's metadata (response id, times) is added, so a resubmission
  // of the same answers within the window is recognised too.
  const key = sameContentWithin(input);
  return receipt(await receiveInquiry(deps, { ...input, fields: { ...content.fields, [providerName]: meta } }, { sameContentWithin: key }));
}
