import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildContent, FieldValidationError, pickRoles } from '../../shared/channels/field-mapping';
import { mapForm } from '../../shared/channels/forms';
import { answersToRoles } from '../../shared/channels/providers/answers';
import { tallyAnswers } from '../../shared/channels/providers/tally';
import { typeformAnswers } from '../../shared/channels/providers/typeform';
import { parseWebhook } from '../../shared/channels/webhook';
import type { HttpRequest } from '../../shared/http/http';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/providers/${name}.json`, import.meta.url), 'utf8')) as unknown;
const request = (body: object, headers: Record<string, string> = {}): HttpRequest => ({
  method: 'POST',
  path: '/webhooks/acme',
  headers: { 'content-type': 'application/json', ...headers },
  query: {},
  body: Buffer.from(JSON.stringify(body)),
});

describe('form field names → inquiry', () => {
  it.each([
    [{ name: 'Jane Doe', email: 'jane@example.com', message: 'Hi' }, 'Jane Doe', 'Hi'],
    [{ 'your-name': 'Jane Doe', 'your-email': 'jane@example.com', 'your-message': 'Hi' }, 'Jane Doe', 'Hi'], // Contact Form 7
    [{ full_name: 'Jane Doe', Email: 'jane@example.com', comments: 'Hi' }, 'Jane Doe', 'Hi'],
    [{ first_name: 'Jane', last_name: 'Doe', email_address: 'jane@example.com', body: 'Hi' }, 'Jane Doe', 'Hi'],
    [{ firstName: 'Jane', surname: 'Doe', 'E-Mail': 'jane@example.com', enquiry: 'Hi' }, 'Jane Doe', 'Hi'],
    [{ fname: 'Jane', email: 'jane@example.com', Question: 'Hi' }, 'Jane', 'Hi'],
  ])('maps %j', (values, name, message) => {
    const { content } = mapForm(values, '_gotcha');
    expect(content.customer).toEqual({ email: 'jane@example.com', name });
    expect(content.message).toBe(message);
  });

  it('keeps every other field, but not the spam traps or the CAPTCHA token; the phone is kept as phone', () => {
    const { content } = mapForm(
      { email: 'a@example.com', tel: '0123', budget: '500', services: ['Leak', 'Boiler'], _gotcha: '', _stamp: 'x', 'cf-turnstile-response': 't' },
      '_gotcha',
    );
    expect(content.fields).toEqual({ budget: '500', services: ['Leak', 'Boiler'], phone: '0123' });
  });

  it('follows an explicit mapping before the common names', () => {
    expect(pickRoles(['email', 'contact_mail', 'note'], { email: 'contact_mail', message: 'note' })).toEqual({ email: 'contact_mail', message: 'note' });
    const { content } = mapForm({ email: 'decoy@example.com', contact_mail: 'real@example.com', note: 'Hello' }, '_gotcha', { email: 'contact_mail', message: 'note' });
    expect(content.customer.email).toBe('real@example.com');
    expect(content.fields).toEqual({ email: 'decoy@example.com' });
  });

  it('neutralises line breaks in names, subjects and phones before any mail is built; the message keeps them', () => {
    const { content } = mapForm({ name: 'Bob\r\nBcc: victim@example.com', email: 'bob@example.com', subject: 'Hi\u2028there\nX-Evil: 1', phone: '1\r\n2', message: 'line 1\nline 2\0' }, '_gotcha');
    expect(content.customer.name).toBe('Bob Bcc: victim@example.com');
    expect(content.subject).toBe('Hi there X-Evil: 1');
    expect(content.fields.phone).toBe('1 2');
    expect(content.message).toBe('line 1\nline 2');
  });

  it('lists every problem per field, with what the person typed', () => {
    let error: FieldValidationError | undefined;
    try {
      mapForm({ name: 'x'.repeat(201), email: 'not-an-address', message: 'Keep my text' }, '_gotcha');
    } catch (e) {
      error = e as FieldValidationError;
    }
    expect(error).toBeInstanceOf(FieldValidationError);
    expect(error!.problems).toEqual([
      { field: 'email', message: '"not-an-address" is not an email address (it needs a name, an @ and a domain)' },
      { field: 'name', message: 'must be at most 200 characters' },
    ]);
    expect(error!.values.message).toBe('Keep my text');
    expect(() => buildContent({ name: 'x' }, {}, 'p')).toThrow('p: email: is required');
  });
});

describe('generic webhook field mapping', () => {
  it('reads dotted paths and an event id from the inbox mapping, keeps the rest', () => {
    const body = { event: { id: 'evt_9' }, contact: { mail: 'jane@example.com', first: 'Jane', last: 'Doe' }, text: 'Drips', source: 'site' };
    const input = parseWebhook(request(body), 'acme', { email: 'contact.mail', firstName: 'contact.first', lastName: 'contact.last', message: 'text', eventId: 'event.id' });
    expect(input).toMatchObject({ deliveryId: 'id:evt_9', customer: { email: 'jane@example.com', name: 'Jane Doe' }, message: 'Drips' });
    expect(input.fields).toEqual({ event: { id: 'evt_9' }, contact: body.contact, source: 'site' });
  });

  it('understands first_name + last_name by default', () => {
    expect(parseWebhook(request({ email: 'a@example.com', first_name: 'Ann', last_name: 'Lee' }), 'acme').customer).toEqual({ email: 'a@example.com', name: 'Ann Lee' });
  });
});

describe('form providers’ documented payloads → inquiry', () => {
  it('Typeform: email and phone by answer type, first + last name by question, the long text as the message, the rest by question', () => {
    const { eventId, answers, meta } = typeformAnswers(fixture('typeform'));
    expect(eventId).toBe('LtWXD3crgy');
    const { raw, fields } = answersToRoles(answers);
    const content = buildContent(raw, fields, 'x');
    expect(content.customer).toEqual({ email: 'laura@example.com', name: 'Laura Smith' });
    expect(content.message).toBe('Water is coming through the kitchen ceiling\nunder the bathroom.');
    expect(content.fields).toEqual({ 'What do you need help with?': 'Leak', 'Would you like a visit this week?': true, utm_source: 'newsletter', phone: '+442079460000' });
    expect(meta).toMatchObject({ provider: 'typeform', formId: 'lT4Z3j', responseId: 'a3a12ec67a1365927098a606107fac15' });
  });

  it('Tally: fields by type and label, choice ids turned into the chosen text, empty answers dropped', () => {
    const { eventId, answers, meta } = tallyAnswers(fixture('tally'));
    expect(eventId).toBe('a4cb511e-d513-4fa5-baee-b815d718dfd1');
    const content = buildContent(...(Object.values(answersToRoles(answers)) as [never, never]), 'x');
    expect(content).toMatchObject({ customer: { email: 'omar@example.com', name: 'Omar Haddad' }, subject: 'Boiler service', message: 'Annual service please, any weekday morning.' });
    expect(content.fields).toEqual({ 'Which boiler do you have?': ['Combi'], phone: '+44 161 496 0000' });
    expect(meta).toMatchObject({ provider: 'tally', formId: 'VwbNEw', submissionId: '2wgx4n' });
  });

  it('refuses payloads that are not the provider’s form responses, with the reason', () => {
    expect(() => typeformAnswers({ event_id: 'x', event_type: 'form_partial_response', form_response: { form_id: 'f', answers: [] } })).toThrow(/not a form response/);
    expect(() => tallyAnswers({ eventId: 'x', eventType: 'FORM_RESPONSE', data: {} })).toThrow(/Not a Tally webhook: data.fields/);
    expect(() => typeformAnswers({ email: 'a@example.com' })).toThrow(/Not a Typeform webhook/);
  });
});
