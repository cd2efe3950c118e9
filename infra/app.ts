import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { loadConfigFile } from '../shared/config/load';
import { ConfigError } from '../shared/domain/errors';
import { DEFAULT_STACK_NAME } from './constructs/event-bus';
import { WatchdogStack } from './stack';

export const STACK_ID = DEFAULT_STACK_NAME;

/** The bundled demo config, used when neither `-c config=FILE` nor WATCHDOG_CONFIG names one. */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../config/demo.json', import.meta.url));

/**
 * Builds the app: reads and validates the user's config file (throws ConfigError naming every problem), creates
 * the stack and puts it under the cdk-nag AwsSolutions and Serverless packs, which fail synth on any
 * unacknowledged error.
 */
export function buildApp(props: AppProps = {}, options: { policyChecks?: boolean } = {}): { app: App; stack: WatchdogStack } {
  const app = new App(props);
  const configPath = (app.node.tryGetContext('config') as string | undefined) ?? process.env.WATCHDOG_CONFIG;
  // Relative paths are read from the working directory and reported as the user typed them.
  const config = loadConfigFile(configPath ?? DEFAULT_CONFIG_PATH);

  // `-c sesIdentities=existing` when the mail domains are already verified in SES (the stack cannot adopt them).
  const createSesIdentities = app.node.tryGetContext('sesIdentities') !== 'existing';
  // `-c stackName=InquiryWatchdog-staging` deploys a second, independent copy in the same account and region.
  const stackName = app.node.tryGetContext('stackName') as string | undefined;
  const stack = new WatchdogStack(app, STACK_ID, { config, createSesIdentities, ...(stackName ? { stackName } : {}) });
  Tags.of(app).add('app', 'inquiry-watchdog');
  // Template checks that read only the template may leave the packs out (test/infra/stack.test.ts runs them): they
  // are most of a synth's time.
  if (options.policyChecks === false) return { app, stack };
  Validations.of(app).addPlugins(
    // Either pack's flag copies every acknowledgement (with its reason) into the template metadata: set it once.
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
    new ServerlessChecks(app, { verbose: true }),
  );
  return { app, stack };
}

function main(): void {
  let app: App;
  try {
    ({ app } = buildApp());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  app.synth();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
