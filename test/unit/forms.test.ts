import { describe, expect, it } from 'vitest';
import { checkFormStamp, createFormStamp } from '../../shared/signing/form-stamp';
import { FORM_BODY_LIMIT, parseFormBody } from '../../shared/channels/forms';
import { ValidationError } from '../../shared/domain/errors';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../../shared/http/errors';
import type { HttpRequest } from '../../shared/http/http';

const request = (body: Buffer | string, contentType?: string): HttpRequest => ({
  method: 'POST',
  path: '/forms/acme',
  headers: contentType ? { 'content-type': contentType } : {},
  query: {},
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
});

async function multipart(form: FormData): Promise<HttpRequest> {
  const encoded = new Response(form);
  return request(Buffer.from(await encoded.arrayBuffer()), encoded.headers.get('content-type')!);
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('form bodies', () => {
  it('reads urlencoded forms, repeated fields as lists', async () => {
    const values = await parseFormBody(request('name=Jane+D%C3%B6e&email=jane%40example.com&services=Leak&services=Boiler', 'application/x-www-form-urlencoded; charset=UTF-8'));
    expect({ ...values }).toEqual({ name: 'Jane Döe', email: 'jane@example.com', services: ['Leak', 'Boiler'] });
  });

  it('reads multipart forms (busboy), noting attachments without keeping them', async () => {
    const form = new FormData();
    form.append('name', 'Jane Döe');
    form.append('email', 'jane@example.com');
    form.append('photo', new Blob(['not really a jpeg']), 'tap.jpg');
    const values = await parseFormBody(await multipart(form));
    expect({ ...values }).toEqual({ name: 'Jane Döe', email: 'jane@example.com', photo: '(file tap.jpg, 17 bytes, not kept)' });
  });

  it('reads a flat JSON object from fetch() callers', async () => {
    expect({ ...(await parseFormBody(request('{"email":"a@example.com","n":1}', 'application/json'))) }).toEqual({ email: 'a@example.com', n: '1' });
    expect((await rejection(parseFormBody(request('{"email":{"x":1}}', 'application/json')))).message).toMatch(/must be a string/);
  });

  it('refuses other content types (415), oversized bodies (413) and malformed multipart (400), with a reason', async () => {
    expect(await rejection(parseFormBody(request('email=a', 'text/plain')))).toBeInstanceOf(UnsupportedMediaTypeError);
    expect((await rejection(parseFormBody(request('email=a')))).message).toMatch(/none given/);
    expect(await rejection(parseFormBody(request('x='.padEnd(FORM_BODY_LIMIT + 1, 'a'), 'application/x-www-form-urlencoded')))).toBeInstanceOf(PayloadTooLargeError);
    const broken = await rejection(parseFormBody(request('--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated', 'multipart/form-data; boundary=xyz')));
    expect(broken).toBeInstanceOf(ValidationError);
    expect(broken.message).toMatch(/Malformed multipart/);
    expect((await rejection(parseFormBody(request('a', 'multipart/form-data')))).message).toMatch(/Malformed multipart.*[Bb]oundary/);
    const many = Array.from({ length: 101 }, (_, i) => `f${i}=1`).join('&');
    expect((await rejection(parseFormBody(request(many, 'application/x-www-form-urlencoded')))).message).toMatch(/Too many fields/);
  });

  it('keeps a __proto__ field as data without polluting objects', async () => {
    const values = await parseFormBody(request('__proto__=x&email=a%40example.com&constructor=y', 'application/x-www-form-urlencoded'));
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.keys(values).sort()).toEqual(['__proto__', 'constructor', 'email']);
  });
});

describe('signed render stamps', () => {
  const t0 = new Date('2026-11-23T10:00:00Z');
  const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

  it('is ok once the minimum fill time has passed, for the inbox it was made for', () => {
    const stamp = createFormStamp('key', 'acme', t0);
    expect(checkFormStamp('key', 'acme', stamp, later(3), 3)).toMatchObject({ state: 'ok' });
    expect(checkFormStamp('key', 'acme', stamp, later(2), 3)).toEqual({ state: 'too-fast' });
    expect(checkFormStamp('key', 'other', stamp, later(5), 3)).toEqual({ state: 'forged' });
    expect(checkFormStamp('key', 'acme', stamp, later(25 * 3600), 3)).toEqual({ state: 'expired' });
  });

  it('cannot be backdated, forged with another key, or truncated', () => {
    const [seconds, nonce, mac] = createFormStamp('key', 'acme', t0).split('.');
    expect(checkFormStamp('key', 'acme', `${Number(seconds) - 60}.${nonce}.${mac}`, later(1), 3)).toEqual({ state: 'forged' });
    expect(checkFormStamp('key', 'acme', createFormStamp('other-key', 'acme', t0), later(5), 3)).toEqual({ state: 'forged' });
    expect(checkFormStamp('key', 'acme', `${seconds}.${nonce}.${mac!.slice(0, 5)}`, later(5), 3)).toEqual({ state: 'forged' });
    expect(checkFormStamp('key', 'acme', 'garbage', later(5), 3)).toEqual({ state: 'forged' });
    expect(checkFormStamp('key', 'acme', undefined, later(5), 3)).toEqual({ state: 'missing' });
  });
});
