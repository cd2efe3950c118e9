import busboy from 'busboy';
import { ValidationError } from '../domain/errors';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../http/errors';
import { parseJsonObject, type HttpRequest } from '../http/http';
import { buildContent, pickRoles, type FieldMapping, type Role } from './field-mapping';
import { STAMP_FIELD } from '../signing/form-stamp';

/** The form field Cloudflare's Turnstile widget adds to the form it sits in. */
export const TURNSTILE_FIELD = 'cf-turnstile-response';

/** A contact form is a few KB; 64 KB leaves room for long messages and stops file uploads and floods. */
export const FORM_BODY_LIMIT = 64 * 1024;
const MAX_FIELDS = 100;

export type FormValues = Record<string, string | string[]>;

function add(values: FormValues, name: string, value: string): void {
  if (!name) return;
  const existing = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
  if (existing === undefined) values[name] = value;
  else values[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
}

function parseMultipart(request: HttpRequest, contentType: string): Promise<FormValues> {
  return new Promise((resolve, reject) => {
    const values: FormValues = Object.create(null) as FormValues;
    const fail = (error: Error) => reject(error);
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { fields: MAX_FIELDS, parts: MAX_FIELDS + 5, files: 5, fieldNameSize: 200, fieldSize: FORM_BODY_LIMIT, fileSize: FORM_BODY_LIMIT },
      });
    } catch (error) {
      return reject(new ValidationError(`Malformed multipart/form-data: ${(error as Error).message}`));
    }
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) return fail(new PayloadTooLargeError(`Field "${name.slice(0, 50)}" is too long`));
      add(values, name, value);
    });
    // Attachments are not kept (the limit keeps them small anyway); the inquiry notes that one was sent.
    parser.on('file', (name, stream, info) => {
      let size = 0;
      stream.on('data', (chunk: Buffer) => (size += chunk.length));
      stream.on('end', () => add(values, name, `(file ${info.filename ?? 'unnamed'}, ${size} bytes, not kept)`));
    });
    parser.on('fieldsLimit', () => fail(new ValidationError(`Too many fields (at most ${MAX_FIELDS})`)));
    parser.on('partsLimit', () => fail(new ValidationError(`Too many fields (at most ${MAX_FIELDS})`)));
    parser.on('filesLimit', () => fail(new ValidationError('Too many files')));
    parser.on('error', (error: Error) => fail(new ValidationError(`Malformed multipart/form-data: ${error.message}`)));
    parser.on('close', () => resolve(values));
    parser.end(request.body);
  });
}

/** Reads `application/x-www-form-urlencoded`, `multipart/form-data` or a flat JSON object into name → value(s). */
export async function parseFormBody(request: HttpRequest): Promise<FormValues> {
  if (request.body.length > FORM_BODY_LIMIT) throw new PayloadTooLargeError(`Form is larger than ${FORM_BODY_LIMIT / 1024} KB`);
  const contentType = request.headers['content-type'] ?? '';
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const text = request.body.toString('utf8');
    if (text.includes('\ufffd')) throw new ValidationError('Form body is not valid UTF-8');
    const params = new URLSearchParams(text);
    const values: FormValues = Object.create(null) as FormValues;
    let count = 0;
    for (const [name, value] of params) {
      if (++count > MAX_FIELDS) throw new ValidationError(`Too many fields (at most ${MAX_FIELDS})`);
      add(values, name, value);
    }
    return values;
  }
  if (type === 'multipart/form-data') return parseMultipart(request, contentType);
  if (type === 'application/json') {
    const body = parseJsonObject(request.body, 'Body must be a JSON object of field names and values');
    const values: FormValues = Object.create(null) as FormValues;
    for (const [name, value] of Object.entries(body)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') add(values, name, String(value));
      else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) for (const v of value) add(values, name, v);
      else throw new ValidationError(`Field "${name.slice(0, 50)}" must be a string`);
    }
    return values;
  }
  throw new UnsupportedMediaTypeError(
    `Content-Type must be application/x-www-form-urlencoded or multipart/form-data${type ? ` (got ${contentType.slice(0, 100)})` : ' (none given)'}`,
  );
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Fields that steer the endpoint, never part of the inquiry. */
export function controlFields(honeypot: string): Set<string> {
  return new Set([STAMP_FIELD, honeypot, TURNSTILE_FIELD]);
}

/** The submission mapped to an inquiry's content; a FieldValidationError lists what a person must fix. */
export function mapForm(values: FormValues, honeypot: string, mapping: FieldMapping = {}) {
  const control = controlFields(honeypot);
  const keys = Object.keys(values).filter((key) => !control.has(key));
  const roles = pickRoles(keys, mapping);
  const raw: Partial<Record<Role, unknown>> = {};
  for (const [role, key] of Object.entries(roles) as Array<[Role, string]>) raw[role] = first(values[key]);
  const used = new Set(Object.values(roles));
  const fields = Object.fromEntries(keys.filter((key) => !used.has(key)).map((key) => [key, values[key]]));
  return { roles, content: buildContent(raw, fields, 'Please check the form') };
}

export const formValue = (values: FormValues, name: string) => first(Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined);
