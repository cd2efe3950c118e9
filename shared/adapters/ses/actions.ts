/**
 * The IAM action of the one call ./mailer.ts makes. In a module of its own so the CDK app can name it without
 * loading the SES client and the MIME composer.
 */
export const SEND_MAIL_ACTION = 'ses:SendRawEmail';
