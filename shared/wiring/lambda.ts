import type { Context } from 'aws-lambda';
import { powertoolsObservability, type Observability } from '../adapters/powertools/observability';
import { lazy } from './aws';

/**
 * The Lambda entry of a function: builds its dependencies on first use (with Powertools logs and metrics), gives
 * every invocation its request context, and flushes the invocation's metrics once when it ends — returned or thrown.
 */
export function lambdaEntry<D, E, R>(
  createHandler: (getDeps: () => D) => (event: E, context?: Context) => Promise<R>,
  buildDeps: (observability: Observability) => D,
  observe: () => Observability = lazy(() => powertoolsObservability()),
): (event: E, context?: Context) => Promise<R> {
  const handle = createHandler(lazy(() => buildDeps(observe())));
  return async (event, context) => {
    const observability = observe();
    observability.begin(context);
    try {
      return await handle(event, context);
    } finally {
      observability.flush();
    }
  };
}
