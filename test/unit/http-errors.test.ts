import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, RetryableError, UnauthorizedError, ValidationError } from '../../shared/domain/errors';
import { failureJson, httpFailure, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../shared/http/errors';
import { fromApiGatewayEvent } from '../../shared/http/http';
import { route, type Route } from '../../shared/http/router';
import { jsonLogger } from '../../shared/adapters/logging/json-logger';
import { silentLogger } from '../../shared/adapters/logging/silent-logger';
import { apiEvent } from '../support/api-event';

describe('the one error mapping', () => {
  it('gives each error family its status, a reason for client faults and a generic sentence for ours', () => {
    const cases: Array<[unknown, number]> = [
      [new PayloadTooLargeError('big'), 413],
      [new UnsupportedMediaTypeError('xml'), 415],
      [new ForbiddenError('origin'), 403],
      [new ValidationError('bad', ['a: wrong']), 400],
      [new UnauthorizedError('who'), 401],
      [new NotFoundError('none'), 404],
      [new ConflictError('used'), 409],
      [new RetryableError('busy'), 503],
      [new Error('boom'), 500],
    ];
    for (const [error, status] of cases) expect(httpFailure(error, silentLogger).statusCode, String(error)).toBe(status);
    expect(httpFailure(new RetryableError('the table is throttled'), silentLogger).message).toBe('Temporarily unavailable, please retry.');
    expect(httpFailure(new Error('secret detail'), silentLogger).message).not.toContain('secret detail');
  });

  it('does not count a refusal as bad input: ForbiddenError is no ValidationError', () => {
    expect(new ForbiddenError('x')).not.toBeInstanceOf(ValidationError);
  });

  it('renders JSON with the details and the headers the status needs', () => {
    const bad = failureJson(httpFailure(new ValidationError('Invalid webhook body', ['email: required']), silentLogger));
    expect(JSON.parse(bad.body!)).toEqual({ error: 'Invalid webhook body', details: ['email: required'] });
    expect(failureJson(httpFailure(new UnauthorizedError('no'), silentLogger)).headers).toMatchObject({ 'www-authenticate': 'Bearer' });
    expect(failureJson(httpFailure(new RetryableError('busy'), silentLogger), { vary: 'Origin' }).headers).toMatchObject({ 'retry-after': '5', vary: 'Origin' });
  });
});

describe('the router', () => {
  const routes: Array<Route<{ log: typeof silentLogger }>> = [
    { method: 'GET', pattern: '/json/{x}', handle: async () => Promise.reject(new NotFoundError('No such thing')) },
    {
      method: 'GET',
      pattern: '/page/{token}',
      handle: async () => Promise.reject(new Error('boom')),
      renderFailure: (failure) => ({ statusCode: failure.statusCode, headers: { 'content-type': 'text/html' }, body: `<p>${failure.message}</p>` }),
    },
  ];

  it('renders a failure as the route says (a page), else as JSON, always with nosniff', async () => {
    const json = await route(routes, { log: silentLogger }, fromApiGatewayEvent(apiEvent('GET', '/json/1')));
    expect(json).toMatchObject({ statusCode: 404, headers: { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' } });
    expect(JSON.parse(json.body!)).toEqual({ error: 'No such thing' });
    const page = await route(routes, { log: silentLogger }, fromApiGatewayEvent(apiEvent('GET', '/page/abc')));
    expect(page).toMatchObject({ statusCode: 500, headers: { 'content-type': 'text/html', 'x-content-type-options': 'nosniff' } });
    expect(page.body).toContain('Internal error');
  });

  it('keeps tokens in paths out of the log', async () => {
    const lines: string[] = [];
    const token = 'x'.repeat(60);
    await route(routes, { log: jsonLogger((line) => lines.push(line)) }, fromApiGatewayEvent(apiEvent('GET', `/page/${token}`)));
    expect(lines.join('\n')).toContain('/page/…');
    expect(lines.join('\n')).not.toContain(token);
  });
});
