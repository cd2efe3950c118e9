import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/**
 * What every deploy-time custom resource of the stack shares: the answer CloudFormation waits for, sent to the
 * pre-signed URL whatever happened (an unanswered request holds the deploy for up to an hour), and one log line.
 */
export interface Outcome {
  Status: 'SUCCESS' | 'FAILED';
  PhysicalResourceId: string;
  /** Shown in the stack's events when the status is FAILED: it must say what to do. */
  Reason?: string;
}

export type Send = (url: string, body: string) => Promise<void>;

export interface CustomResourceHandlerOptions {
  /** The log line's `msg`. */
  logMessage: string;
  run(event: CloudFormationCustomResourceEvent): Promise<Outcome>;
  /** The answer when `run` throws (an AWS call failed): FAILED, with the physical id CloudFormation must keep. */
  onError(event: CloudFormationCustomResourceEvent, error: Error): Outcome;
  send?: Send;
}

export function customResourceHandler({ logMessage, run, onError, send = putResponse }: CustomResourceHandlerOptions) {
  return async (event: CloudFormationCustomResourceEvent): Promise<void> => {
    let outcome: Outcome;
    try {
      outcome = await run(event);
    } catch (error) {
      outcome = onError(event, error as Error);
    }
    console.log(JSON.stringify({ level: outcome.Status === 'SUCCESS' ? 'info' : 'error', msg: logMessage, requestType: event.RequestType, ...outcome }));
    await send(event.ResponseURL, JSON.stringify({ ...outcome, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId }));
  };
}

export async function putResponse(url: string, body: string): Promise<void> {
  // The pre-signed URL is signed without a content type: send none.
  const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) throw new Error(`CloudFormation response refused: HTTP ${response.status}`);
}
