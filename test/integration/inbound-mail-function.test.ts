import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/inbound-mail';
import { inboundDeliveries } from '../../shared/channels/email/inbound-event';
import { NotFoundError } from '../../shared/domain/errors';
import type { RawMailStore } from '../../shared/ports/raw-mail-store';
import type { InboundMailDeps } from '../../shared/wiring/inbound-mail';
import { realDeps, travellingClock } from '../support/deps';
import { corpusConfig, fixture } from '../support/mail-corpus';
import { mailsTo } from '../support/ses-store';

/** A bucket in memory, addressed as the S3 adapter addresses it (`s3://bucket/key`). */
function fakeBucket(objects: Record<string, Buffer>): RawMailStore {
  return {
    put: async (key, raw) => ((objects[key] = raw), `s3://mail/${key}`),
    get: async (ref) => {
      const raw = objects[ref.replace('s3://mail/', '')];
      if (!raw) throw new NotFoundError(`${ref}: no such object`);
      return raw;
    },
  };
}

const s3Body = (key: string) =>
  JSON.stringify({ Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'mail' }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size: 1 } } }] });

/** An SES receipt notification as the S3 action's SNS topic sends it: no Subject, no dmarcPolicy (DMARC passed). */
const sesBody = (key: string, spam = 'PASS') =>
  JSON.stringify({
    Type: 'Notification',
    Message: JSON.stringify({
      notificationType: 'Received',
      mail: { timestamp: '2026-11-23T10:00:00.000Z', source: 'fwd@acme-plumbing.test', messageId: key.split('/').pop(), destination: ['acme@in.watchdog.test'], headersTruncated: true, commonHeaders: { from: ['x@example.com'] } },
      receipt: {
        recipients: ['acme@in.watchdog.test'],
        spamVerdict: { status: spam },
        virusVerdict: { status: 'PASS' },
        spfVerdict: { status: 'FAIL' },
        dkimVerdict: { status: 'GRAY' },
        dmarcVerdict: { status: 'PASS' },
        action: { type: 'S3', bucketName: 'mail', objectKey: key },
      },
    }),
  });

const sqsRecord = (messageId: string, body: string): SQSRecord =>
  ({ messageId, body, receiptHandle: 'r', attributes: { ApproximateReceiveCount: '1' }, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn', awsRegion: 'eu-west-1' }) as unknown as SQSRecord;

describe('inbound-mail function (SQS → S3 raw mail → receive)', () => {
  const config = corpusConfig({ unique: true });
  const sender = config.inboxes[0]!.from.match(/<(.+)>/)![1]!;
  const objects: Record<string, Buffer> = {};
  let deps: InboundMailDeps;
  let sesEndpoint: string;
  const ours = async (to: string) => (await mailsTo(sesEndpoint, to)).filter((m) => m.from.includes(sender));

  beforeAll(async () => {
    const env = await realDeps(config, travellingClock('2026-11-23T10:00:00Z'));
    sesEndpoint = env.sesEndpoint;
    deps = { ...env.deps, rawMail: fakeBucket(objects) };
    objects['inbound/acme/ses-1'] = fixture('01-plain-inquiry.eml');
    objects['inbound/acme/ses-2'] = fixture('02-encoded-words.eml');
    objects['inbound/acme/ses 3'] = fixture('03-iso-8859-1-qp.eml');
    objects['inbound/acme/ses-4'] = fixture('35-auto-submitted-no.eml');
  });

  it('receives each mail, reports only the failed messages, and a redrive of the batch changes nothing', async () => {
    const handler = createHandler(() => deps);
    const event: SQSEvent = {
      Records: [
        sqsRecord('m1', s3Body('inbound/acme/ses-1')),
        sqsRecord('m2', s3Body('inbound/acme/missing')),
        sqsRecord('m3', 'not json'),
        sqsRecord('m4', s3Body('inbound/acme/ses 3')),
        sqsRecord('m5', JSON.stringify({ Event: 's3:TestEvent' })),
      ],
    };
    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] });
    expect(await ours('jane@example.com')).toHaveLength(1);
    expect(await ours('francois@example.fr')).toHaveLength(1);

    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] });
    expect(await ours('jane@example.com')).toHaveLength(1);
    expect(await deps.store.customerHistory('acme', 'jane@example.com', 5)).toHaveLength(1);
  });

  it('reads a lenient SES notification (no Subject, no dmarcPolicy, truncated headers): its verdicts count, the raw MIME is the truth', async () => {
    const handler = createHandler(() => deps);
    expect(await handler({ Records: [sqsRecord('s1', sesBody('inbound/acme/ses-2')), sqsRecord('s2', sesBody('inbound/acme/ses-4', 'FAIL'))] })).toEqual({ batchItemFailures: [] });
    const zoe = (await deps.store.customerHistory('acme', 'zoe@example.org', 5))[0]!;
    expect(zoe).toMatchObject({ subject: 'Heizung fällt aus – dringend', customer: { name: 'Zoë Müller' } });
    expect(zoe.fields.signals).toEqual(expect.arrayContaining([expect.stringMatching(/SPF failed/)]));
    expect(await ours('zoe@example.org')).toHaveLength(1);
    expect(await deps.store.getMailRecord('acme', 'mid:tom-1@mail.example.com')).toMatchObject({ outcome: 'quarantined', rawRef: 's3://mail/inbound/acme/ses-4' });
    expect(await ours('tom@example.com')).toEqual([]);
  });
});

describe('a mail the parser cannot read', () => {
  it('is quarantined with the reason and its raw reference, not retried', async () => {
    const config = corpusConfig({ unique: true });
    const env = await realDeps(config, travellingClock('2026-11-23T10:00:00Z'));
    // A header block over the parser's 512 KB limit: nothing of the mail can be trusted.
    const objects = { 'inbound/acme/huge': Buffer.from(`From: a@example.com\r\nSubject: huge header\r\nX-Pad: ${'x'.repeat(600 * 1024)}\r\n\r\nbody\r\n`) };
    const handler = createHandler(() => ({ ...env.deps, rawMail: fakeBucket(objects) }));
    expect(await handler({ Records: [sqsRecord('d1', s3Body('inbound/acme/huge'))] })).toEqual({ batchItemFailures: [] });
    const [record] = await env.deps.store.listMail('acme', 5);
    expect(record).toMatchObject({ outcome: 'quarantined', rawRef: 's3://mail/inbound/acme/huge', reason: expect.stringMatching(/could not be parsed \(Maximum header size/) });
  });

  it('reads a mail nested past the MIME budget up to the budget, and says so', async () => {
    const config = corpusConfig({ unique: true });
    const env = await realDeps(config, travellingClock('2026-11-23T10:00:00Z'));
    let body = 'Content-Type: text/plain\r\n\r\ndeep';
    for (let i = 0; i < 60; i++) body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--`;
    const objects = { 'inbound/acme/deep': Buffer.from(`From: a@example.com\r\nSubject: deep\r\nMIME-Version: 1.0\r\n${body}\r\n`) };
    const handler = createHandler(() => ({ ...env.deps, rawMail: fakeBucket(objects) }));
    expect(await handler({ Records: [sqsRecord('d2', s3Body('inbound/acme/deep'))] })).toEqual({ batchItemFailures: [] });
    const [record] = await env.deps.store.listMail('acme', 5);
    expect(record).toMatchObject({ outcome: 'inquiry', rawRef: 's3://mail/inbound/acme/deep' });
    expect(record!.signals.join(' ')).toContain('more than 20 nested or enclosed containers: the rest was not read');
  });
});

describe('inbound queue messages', () => {
  const recipientOf = (id: string) => (id === 'acme' ? 'acme@in.watchdog.test' : undefined);
  it('takes the inbox from the key prefix and decodes S3 key encoding', () => {
    expect(inboundDeliveries(s3Body('inbound/acme/a b+c'), recipientOf)).toEqual([
      { ref: 's3://mail/inbound/acme/a b+c', inboxId: 'acme', envelope: { recipients: ['acme@in.watchdog.test'] } },
    ]);
  });
  it('reads SES receipt notifications raw, in an SNS envelope, or as Lambda records', () => {
    const inner = JSON.parse(JSON.parse(sesBody('inbound/acme/x')).Message);
    const expected = { ref: 's3://mail/inbound/acme/x', inboxId: 'acme', envelope: { recipients: ['acme@in.watchdog.test'], mailFrom: 'fwd@acme-plumbing.test' }, verdicts: { spam: 'PASS', virus: 'PASS', spf: 'FAIL', dkim: 'GRAY', dmarc: 'PASS' } };
    expect(inboundDeliveries(sesBody('inbound/acme/x'), recipientOf)).toEqual([expected]);
    expect(inboundDeliveries(JSON.stringify(inner), recipientOf)).toEqual([expected]);
    expect(inboundDeliveries(JSON.stringify({ Records: [{ eventSource: 'aws:ses', ses: inner }] }), recipientOf)).toEqual([expected]);
  });
  it('refuses what it cannot read, so the message is retried and then parked', () => {
    expect(() => inboundDeliveries('{}', recipientOf)).toThrow(/neither an S3 nor an SES/);
    expect(() => inboundDeliveries('{"Records":[{"foo":1}]}', recipientOf)).toThrow(/neither an S3 nor an SES/);
  });
});
