/**
 * The IAM action of the call the deployed functions make through ./raw-mail-store.ts (its PutObject serves tests
 * only). In a module of its own so the CDK app can name it without loading the S3 client.
 */
export const READ_RAW_MAIL_ACTION = 's3:GetObject';
