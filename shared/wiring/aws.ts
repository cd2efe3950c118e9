import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESClient } from '@aws-sdk/client-ses';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createDynamoStore } from '../adapters/dynamodb/store';
import { createEventBridgePublisher } from '../adapters/eventbridge/event-publisher';
import { createSesMailer } from '../adapters/ses/mailer';
import { ssmSecrets } from '../adapters/ssm/secrets';
import { parseConfig } from '../config/load';
import { RUNTIME_ENV, requireEnv } from '../config/runtime-env';
import { systemClock } from '../adapters/system-clock';
import type { Deps } from '../ports/deps';
import { withShortTextLinks } from '../use-cases/short-links';
import type { SecretSource } from '../ports/secrets';
import type { Observability } from '../adapters/powertools/observability';

/**
 * Composition root on Lambda: the config was validated at synth time and inlined into the bundle (esbuild
 * `define` replaces the literal `process.env.WATCHDOG_CONFIG_JSON`); clients are built on first invocation.
 */
export function createAwsDeps(observability: Pick<Observability, 'log' | 'metrics'>, env: NodeJS.ProcessEnv = process.env): Deps {
  const configJson = process.env.WATCHDOG_CONFIG_JSON ?? env[RUNTIME_ENV.configJson];
  if (!configJson) throw new Error(`${RUNTIME_ENV.configJson} is missing: the bundle was built without a config`);
  const store = createDynamoStore({ client: new DynamoDBClient({}), tableName: requireEnv(RUNTIME_ENV.tableName, env) });
  const secrets = deployedSecrets(env);
  const ses = createSesMailer({ client: new SESClient({}), configurationSet: env[RUNTIME_ENV.sesConfigurationSet] || undefined });
  return {
    config: parseConfig(JSON.parse(configJson), 'the bundled configuration'),
    store,
    // Plain-text parts carry short links (GET /l/{code}) instead of 200-character token URLs.
    mailer: withShortTextLinks(ses, { store, clock: systemClock, secrets, log: observability.log }),
    events: createEventBridgePublisher({ client: new EventBridgeClient({}), busName: requireEnv(RUNTIME_ENV.eventBusName, env) }),
    clock: systemClock,
    log: observability.log,
    metrics: observability.metrics,
    secrets,
  };
}

/**
 * The secrets a function was given: the API's URL from its environment when the stack put it there, the rest from
 * the one Parameter Store path it is granted. A function granted none fails loudly on a read, naming the manifest
 * to change, rather than making a call its role would refuse.
 */
function deployedSecrets(env: NodeJS.ProcessEnv): SecretSource {
  const path = env[RUNTIME_ENV.secretsPath];
  const parameters = path ? ssmSecrets({ client: new SSMClient({}), path }) : undefined;
  const publicUrl = env[RUNTIME_ENV.publicUrl];
  return {
    async get(name) {
      if (name === 'public-url' && publicUrl) return publicUrl;
      if (!parameters) throw new Error(`This function reads no secrets (${RUNTIME_ENV.secretsPath} is not set) but asked for "${name}": add a secrets scope to its access manifest`);
      return parameters.get(name);
    },
  };
}

/** Builds the dependencies once per Lambda container, on first use (keeps cold-start module load small). */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}
