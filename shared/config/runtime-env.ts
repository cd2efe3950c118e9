/**
 * Environment variables the Lambda functions read (set by infra/stack.ts). The local runtime passes the same
 * values directly to the composition root instead.
 */
export const RUNTIME_ENV = {
  /** DynamoDB table name. */
  tableName: 'WATCHDOG_TABLE_NAME',
  /** Name of the custom EventBridge bus domain events go to. */
  eventBusName: 'WATCHDOG_EVENT_BUS_NAME',
  /** The validated config file as JSON; inlined into each bundle at synth time by esbuild `define`. */
  configJson: 'WATCHDOG_CONFIG_JSON',
  /**
   * The Parameter Store path the function reads its secrets from, requested exactly as set (see
   * shared/adapters/ssm/parameter-paths.ts); unset for a function that reads none.
   */
  secretsPath: 'WATCHDOG_SECRETS_PATH',
  /** The API's base URL, for links in mail (every function but the HTTP API's own, which reads it beside its secrets). */
  publicUrl: 'WATCHDOG_PUBLIC_URL',
  /** Optional SES configuration set attached to every mail sent. */
  sesConfigurationSet: 'WATCHDOG_SES_CONFIGURATION_SET',
  /** S3 bucket SES stores received mail in (inbound-mail function only). */
  rawMailBucket: 'WATCHDOG_RAW_MAIL_BUCKET',
} as const;

/** Reads a required environment variable, failing with a message that names it. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`Environment variable ${name} is not set`);
  return value;
}
