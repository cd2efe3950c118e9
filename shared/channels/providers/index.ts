import { verifyTally, verifyTypeform } from '../signatures/body-hmac';
import type { Answer } from './answers';
import { tallyAnswers } from './tally';
import { typeformAnswers } from './typeform';

export interface FormProvider {
  /** Checks the provider's signature over the raw body; throws UnauthorizedError. */
  verify(headers: Record<string, string>, body: Buffer, secrets: string[]): void;
  /** The provider's documented payload → its event id, the answers and what identifies the response. */
  read(body: unknown): { eventId: string; answers: Answer[]; meta: Record<string, unknown> };
}

export const PROVIDERS: Record<string, FormProvider> = {
  typeform: { verify: verifyTypeform, read: typeformAnswers },
  tally: { verify: verifyTally, read: tallyAnswers },
};
