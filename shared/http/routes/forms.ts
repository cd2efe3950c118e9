import { randomUUID } from 'node:crypto';
import { calendarOf, findInbox } from '../../config/inboxes';
import { formSettingsOf } from '../../config/form-settings';
import type { InboxConfig } from '../../config/schema';
import { ForbiddenError } from '../../domain/errors';
import { newReference } from '../../domain/reference';
import { choosePolicy, replyDeadline } from '../../domain/policy';
import { confirmationPage, customerMessage, formErrorPage, reshowFormPage } from '../form-pages';
import { addressOf } from '../../messages/addresses';
import type { Deps } from '../../ports/deps';
import { submitForm } from '../../use-cases/submit-form';
import { CaptchaRefusedError } from '../../adapters/turnstile/siteverify';
import { FieldValidationError, pickRoles } from '../../channels/field-mapping';
import { controlFields, parseFormBody, type FormValues } from '../../channels/forms';
import { createReceipt, readReceipt } from '../../signing/form-receipt';
import { createFormStamp, STAMP_FIELD } from '../../signing/form-stamp';
import { corsHeaders, originVerdict } from '../cors';
import { failureJson, type HttpFailure } from '../errors';
import { json, type HttpRequest, type HttpResponse } from '../http';
import type { Route } from '../router';

/**
 * `POST /forms/{inbox}` from a plain HTML form or fetch(). A browser (Accept: text/html) gets a 303 to the inbox's
 * thankYouUrl or to our confirmation page, or the form again with what to fix; everything else gets JSON.
 * The honeypot and the minimum fill time are silent: a bot sees exactly what a person sees, and nothing is stored.
 */
const POST_METHODS = 'POST, OPTIONS';

const wantsHtml = (request: HttpRequest) => /text\/html/i.test(request.headers.accept ?? '');
const formAction = (inboxId: string) => `/forms/${encodeURIComponent(inboxId)}`;

type Outcome = { reference: string; replyBy: string; id: string; duplicate: boolean };

async function handleFormPost(request: HttpRequest, inboxId: string, deps: Deps): Promise<HttpResponse> {
  const html = wantsHtml(request);
  const inbox = deps.config.inboxes.find((candidate) => candidate.id === inboxId);
  if (!inbox) return html ? formErrorPage(404, customerMessage(404, '')) : json(404, { error: `No inbox "${inboxId.slice(0, 50)}"` });
  const verdict = originVerdict(inbox, request);
  const cors = corsHeaders(verdict.corsOrigin, POST_METHODS);
  if (!verdict.allowed) {
    deps.log.warn('form.refused', { inboxId: inbox.id, reason: `origin ${verdict.origin} is not in forms.allowedOrigins` });
    throw new ForbiddenError(`Forms of ${inbox.name} cannot be posted from ${verdict.origin} (not in allowedOrigins)`);
  }
  const values = await parseFormBody(request);
  const key = await deps.secrets.get('signing-key');
  let submission;
  try {
    submission = await submitForm(deps, inbox, values, { signingKey: key, sourceIp: request.sourceIp });
  } catch (error) {
    if (!(error instanceof FieldValidationError) || !html) throw error;
    const settings = formSettingsOf(inbox);
    return reshowFormPage({
      inbox,
      action: formAction(inbox.id),
      problems: error.problems,
      values: error.values,
      roles: rolesOf(values, settings),
      hidden: hiddenFields(values, settings),
      extraHeaders: cors,
    });
  }
  if (submission.state === 'discarded') return respond(request, inbox, decoy(inbox, deps), html, key, cors);
  const { inquiry, duplicate } = submission;
  return respond(request, inbox, { id: inquiry.id, reference: inquiry.reference, replyBy: inquiry.replyBy, duplicate }, html, key, cors);
}

/**
 * A failed post: `fetch()` callers get the JSON reason, with the CORS headers that let their page read it; a
 * browser gets a short page in the customer's words (the technical reason goes to the log and the JSON).
 */
function formFailure(failure: HttpFailure, request: HttpRequest, params: Record<string, string>, deps: Deps): HttpResponse {
  const inbox = deps.config.inboxes.find((candidate) => candidate.id === params.inbox);
  const cors = corsHeaders(inbox ? originVerdict(inbox, request).corsOrigin : undefined, POST_METHODS);
  if (!inbox || !wantsHtml(request)) return failureJson(failure, cors);
  const retryAfter = failure.headers['retry-after'];
  // The CAPTCHA's refusals are already addressed to the visitor ("complete the check again"); nothing else is.
  const words = customerMessage(failure.statusCode, failure.message, { keep: failure.error instanceof CaptchaRefusedError });
  return formErrorPage(failure.statusCode, words, { ...cors, ...(retryAfter ? { 'retry-after': retryAfter } : {}) }, { email: addressOf(inbox.from), business: inbox.name });
}

/** Which of the sender's fields play which role (known even when validation fails). */
function rolesOf(values: FormValues, settings: ReturnType<typeof formSettingsOf>) {
  const control = controlFields(settings.honeypot);
  return pickRoles(Object.keys(values).filter((key) => !control.has(key)), settings.fields);
}

/** What the re-shown form carries along unchanged: the stamp, the CAPTCHA token, every field it does not show. */
function hiddenFields(values: FormValues, settings: ReturnType<typeof formSettingsOf>): Array<{ name: string; value: string }> {
  const roles = rolesOf(values, settings);
  const shown = new Set(Object.values(roles));
  const hidden: Array<{ name: string; value: string }> = [];
  for (const [name, value] of Object.entries(values)) {
    if (shown.has(name) || name === settings.honeypot) continue;
    for (const v of Array.isArray(value) ? value : [value]) hidden.push({ name, value: v });
  }
  return hidden;
}

/** What a discarded bot submission is told: indistinguishable from a real one. */
function decoy(inbox: InboxConfig, deps: Deps): Outcome {
  const now = deps.clock.now();
  const policy = choosePolicy(inbox, { channel: 'form', email: '', subject: undefined, message: '' });
  const replyBy = replyDeadline(calendarOf(inbox), now, policy).toISOString();
  return { id: randomUUID(), reference: newReference(inbox.id), replyBy, duplicate: false };
}

function respond(request: HttpRequest, inbox: InboxConfig, outcome: Outcome, html: boolean, key: string | undefined, cors: Record<string, string>): HttpResponse {
  if (!html) return json(202, outcome, cors);
  const thankYou = inbox.forms?.thankYouUrl;
  if (thankYou) return { statusCode: 303, headers: { location: thankYou, 'cache-control': 'no-store', ...cors }, body: '' };
  if (!key) return confirmationPage(inbox, outcome.reference, outcome.replyBy);
  const receipt = createReceipt(key, inbox.id, outcome.reference, outcome.replyBy);
  return { statusCode: 303, headers: { location: `${formAction(inbox.id)}/thanks?r=${receipt}`, 'cache-control': 'no-store', ...cors }, body: '' };
}

/** `GET /forms/{inbox}/thanks?r=…`: the confirmation page, from the signed receipt (no lookup, nothing to guess). */
async function handleThanks(request: HttpRequest, inboxId: string, deps: Deps): Promise<HttpResponse> {
  const inbox = findInbox(deps.config, inboxId);
  const receipt = readReceipt(await deps.secrets.get('signing-key'), inbox.id, request.query.r);
  if (!receipt) return formErrorPage(400, 'This confirmation link is not valid. If you sent a message, you will find its reference in our email.');
  return confirmationPage(inbox, receipt.reference, receipt.replyBy);
}

/** `GET /forms/{inbox}/stamp`: a fresh signed render stamp for a static page's form (one line of script fills it in). */
async function handleStamp(request: HttpRequest, inboxId: string, deps: Deps): Promise<HttpResponse> {
  const inbox = findInbox(deps.config, inboxId);
  const verdict = originVerdict(inbox, request);
  const cors = corsHeaders(verdict.corsOrigin, 'GET, OPTIONS');
  if (!verdict.allowed) return json(403, { error: `${verdict.origin} is not in the allowedOrigins of this form` }, cors);
  const key = await deps.secrets.get('signing-key');
  if (!key) return json(503, { error: 'Form stamps are not available yet (no signing key)' }, { ...cors, 'retry-after': '60' });
  const settings = formSettingsOf(inbox);
  return json(200, { field: STAMP_FIELD, stamp: createFormStamp(key, inbox.id, deps.clock.now()), honeypot: settings.honeypot, minFillSeconds: settings.minFillSeconds }, cors);
}

/** CORS preflight of a form route: allowed origins get the headers, others a 403 with the reason. */
function handlePreflight(request: HttpRequest, inboxId: string, deps: Deps, methods: string): HttpResponse {
  const inbox = findInbox(deps.config, inboxId);
  const verdict = originVerdict(inbox, request);
  if (!verdict.corsOrigin) {
    return json(403, { error: `${verdict.origin ?? 'A request without an Origin'} may not call this form from a browser (not in allowedOrigins)` }, { vary: 'Origin' });
  }
  return { statusCode: 204, headers: corsHeaders(verdict.corsOrigin, methods), body: '' };
}

export const formRoutes: Array<Route<Deps>> = [
  { method: 'POST', pattern: '/forms/{inbox}', handle: (request, { inbox }, deps) => handleFormPost(request, inbox!, deps), renderFailure: formFailure },
  { method: 'OPTIONS', pattern: '/forms/{inbox}', handle: async (request, { inbox }, deps) => handlePreflight(request, inbox!, deps, POST_METHODS) },
  { method: 'GET', pattern: '/forms/{inbox}/stamp', handle: (request, { inbox }, deps) => handleStamp(request, inbox!, deps) },
  { method: 'OPTIONS', pattern: '/forms/{inbox}/stamp', handle: async (request, { inbox }, deps) => handlePreflight(request, inbox!, deps, 'GET, OPTIONS') },
  { method: 'GET', pattern: '/forms/{inbox}/thanks', handle: (request, { inbox }, deps) => handleThanks(request, inbox!, deps) },
];
