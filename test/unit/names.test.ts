import { describe, expect, it } from 'vitest';
import { greetingFor, personName } from '../../shared/messages/names';

// [display name as received, address, greeting we send, full name we keep (undefined: none)]
const SHAPES: Array<[string | undefined, string, string, string | undefined]> = [
  ['Jane Doe', 'jane@example.com', 'Hi Jane', 'Jane Doe'],
  ['jane', 'j@example.com', 'Hi Jane', 'Jane'],
  ['JANE DOE', 'j@example.com', 'Hi Jane', 'Jane Doe'],
  ['jane doe', 'j@example.com', 'Hi Jane', 'Jane Doe'],
  ['Doe, Jane', 'j@example.com', 'Hi Jane', 'Jane Doe'],
  ['DOE, JANE M.', 'j@example.com', 'Hi Jane', 'Jane M. Doe'],
  ['John Smith, Jr.', 'j@example.com', 'Hi John', 'John Smith Jr.'],
  ['"Jane Doe"', 'j@example.com', 'Hi Jane', 'Jane Doe'],
  ['Jane Doe <jane@example.com>', 'jane@example.com', 'Hi Jane', 'Jane Doe'],
  ['Jane Doe (Acme Ltd)', 'j@example.com', 'Hi Jane', 'Jane Doe'],
  ['Jane Doe | Acme Ltd', 'j@example.com', 'Hi Jane', 'Jane Doe'],
  ['Jane Doe via Google Forms', 'j@example.com', 'Hi Jane', 'Jane Doe'],
  ['Robert "Bob" Smith', 'b@example.com', 'Hi Bob', 'Robert Smith'],
  ['Dr Ada Okafor', 'a@example.com', 'Hi Dr Okafor', 'Dr Ada Okafor'],
  ['Mr. Smith', 's@example.com', 'Hi Mr. Smith', 'Mr. Smith'],
  ['J. Smith', 'js@example.com', 'Hi J. Smith', 'J. Smith'],
  ["SEAN O'BRIEN", 's@example.com', 'Hi Sean', "Sean O'Brien"],
  ['ANNE-MARIE MCDONALD', 'a@example.com', 'Hi Anne-Marie', 'Anne-Marie McDonald'],
  ['LUDWIG VAN BEETHOVEN', 'l@example.com', 'Hi Ludwig', 'Ludwig van Beethoven'],
  ['DeShawn McAllister', 'd@example.com', 'Hi DeShawn', 'DeShawn McAllister'],
  ['José María García', 'j@example.com', 'Hi José', 'José María García'],
  ['=?UTF-8?Q?Jos=C3=A9_Garc=C3=ADa?=', 'j@example.com', 'Hi José', 'José García'],
  ['=?ISO-8859-1?Q?Bj=F6rn_=C5kesson?=', 'b@example.com', 'Hi Björn', 'Björn Åkesson'],
  ['ИВАН ПЕТРОВ', 'i@example.com', 'Hi Иван', 'Иван Петров'],
  ['ΟΔΥΣΣΕΑΣ ΕΛΥΤΗΣ', 'o@example.com', 'Hi Οδυσσεας', 'Οδυσσεας Ελυτης'],
  ['محمد علي', 'm@example.com', 'Hi محمد', 'محمد علي'],
  ['דוד כהן', 'd@example.com', 'Hi דוד', 'דוד כהן'],
  ['राहुल शर्मा', 'r@example.com', 'Hi राहुल', 'राहुल शर्मा'],
  ['山田太郎', 't@example.com', 'Hi 山田太郎', '山田太郎'],
  ['김민준', 'k@example.com', 'Hi 김민준', '김민준'],
  ['王 小明', 'w@example.com', 'Hi 王 小明', '王 小明'],
  ['Jane 🌸 Doe', 'j@example.com', 'Hi Jane', 'Jane Doe'],
  // Nothing usable in the name: an address-like local part helps, anything else gets a plain hello.
  [undefined, 'jane.doe@example.com', 'Hi Jane', 'Jane Doe'],
  [undefined, 'jane.m.doe+shop@example.com', 'Hi Jane', 'Jane M. Doe'],
  [undefined, 'anne_marie-smith85@example.com', 'Hi Anne', 'Anne Marie Smith'],
  ['jane.doe', 'x@example.com', 'Hi Jane', 'Jane Doe'],
  [undefined, 'jsmith@example.com', 'Hello', undefined],
  [undefined, 'info@example.com', 'Hello', undefined],
  [undefined, 'sales.team@example.com', 'Hello', undefined],
  [undefined, 'j.doe@example.com', 'Hello', undefined],
  ['jane@example.com', 'jane@example.com', 'Hello', undefined],
  ['<jane@example.com>', 'jane@example.com', 'Hello', undefined],
  ['Customer Service', 'cs@example.com', 'Hello', undefined],
  ['N/A', 'x@example.com', 'Hello', undefined],
  ['asdf', 'x@example.com', 'Hello', undefined],
  ['xxxxx', 'x@example.com', 'Hello', undefined],
  ['12345', 'x@example.com', 'Hello', undefined],
  ['Jane123', 'x@example.com', 'Hello', undefined],
  ['http://cheap-pills.example', 'x@example.com', 'Hello', undefined],
  ['<b>Bob</b>', 'x@example.com', 'Hello', undefined],
  ['Jane\r\nBcc: victim@evil.test', 'x@example.com', 'Hello', undefined],
  ['=?UTF-8?Q?Jane=0D=0ABcc:_victim@evil.test?=', 'x@example.com', 'Hello', undefined],
  ['Mr', 'x@example.com', 'Hello', undefined],
  ['🙂', 'x@example.com', 'Hello', undefined],
  ['   ', 'x@example.com', 'Hello', undefined],
  ['I would like a quote for a new kitchen sink and taps please thank you very much', 'x@example.com', 'Hello', undefined],
];

describe('customer names', () => {
  it(`handles ${SHAPES.length} real-world shapes`, () => {
    const results = SHAPES.map(([display, email]) => {
      const name = personName(display, email);
      return [display, email, greetingFor(name), name.full];
    });
    expect(results).toEqual(SHAPES);
  });

  it('never greets with an address, a line break or markup', () => {
    for (const [display, email] of SHAPES) {
      const greeting = greetingFor(personName(display, email));
      expect(greeting).not.toMatch(/[@<>\r\n]|https?:/);
    }
  });
});
