import { describe, expect, it } from 'vitest';
import { contactLines, telUri } from '../../shared/messages/contact';
import { missingLine, tourSteps } from '../support/readme-tour';

describe('the README tour reader', () => {
  it('pairs each sh block with the plain block quoted under it', () => {
    const section = ['Run:', '```sh', 'echo hi', '```', 'prints', '```', 'hi', '```', '```sh', 'true', '```', '```json', '{}', '```'].join('\n');
    expect(tourSteps(section, 10)).toEqual([
      { command: 'echo hi\n', expected: 'hi\n', line: 11 },
      { command: 'true\n', line: 18 },
    ]);
  });

  it('finds every expected line in order, … standing for anything, and names the first one missing', () => {
    const actual = 'HTTP/1.1 202 Accepted\ncontent-type: x\n\n{"id":"abc","duplicate":false}\n';
    expect(missingLine('HTTP/1.1 202 Accepted\n{"id":"…","duplicate":false}', actual)).toBeUndefined();
    expect(missingLine('{"id":"…","duplicate":true}', actual)).toBe('{"id":"…","duplicate":true}');
    // Out of order is missing too.
    expect(missingLine('{"id":"…"…}\nHTTP/1.1 202 Accepted', actual)).toBe('HTTP/1.1 202 Accepted');
    // Regex characters in the README are literal.
    expect(missingLine('content-type: .', actual)).toBe('content-type: .');
  });
});

describe('contact fields a manager can use', () => {
  it('makes tel: links of phone numbers only', () => {
    expect(telUri('+44 20 7946 0000')).toBe('tel:+442079460000');
    expect(telUri('(555) 010-0199')).toBe('tel:5550100199');
    expect(telUri('call me')).toBeUndefined();
    expect(telUri('12')).toBeUndefined();
  });

  it('lists the phone first, then other contact fields, and nothing else', () => {
    const lines = contactLines({ fields: { rawMail: 'x', company: 'Doe Ltd', phone: '+44 20 7946 0000', message_extra: 'no', mobile: 7700900123, budget: '100' } });
    expect(lines).toEqual([
      { label: 'Phone', value: '+44 20 7946 0000', tel: 'tel:+442079460000' },
      { label: 'Mobile', value: '7700900123', tel: 'tel:7700900123' },
      { label: 'Company', value: 'Doe Ltd' },
    ]);
    expect(contactLines({ fields: {} })).toEqual([]);
  });
});
