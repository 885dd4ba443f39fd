// Activation and refresh requests queued while the License Manager was offline. They need no
// operation record: the signed request's nonce already makes them idempotent.
import { activate, refresh, type ActivationOutcome } from '../activation/activation.service';
import { parseSignedRequestText } from '../activation/signed-request';
import type { OperationHandler, OperationOutcome } from './operation';

function fromOutcome(outcome: ActivationOutcome): OperationOutcome<'instant-activation' | 'refresh'> {
	return outcome.ok
		? { status: 'applied', result: outcome.response }
		: { status: 'rejected', error: { code: outcome.error.code, message: outcome.error.message } };
}

export const instantActivationOperation: OperationHandler<'instant-activation'> = {
	groupCommit: true,
	async prepare(payload) {
		const request = await parseSignedRequestText(payload.request);
		return async (ctx, account) => {
			if (!account)
				return {
					status: 'needs-sign-in',
					error: { code: 'not_signed_in', message: 'Sign in to finish this activation.' }
				};
			return fromOutcome(await activate(ctx, { request, path: 'instant', channel: 'sync', account }));
		};
	}
};

export const refreshOperation: OperationHandler<'refresh'> = {
	async prepare(payload) {
		const request = await parseSignedRequestText(payload.request);
		return async (ctx) => fromOutcome(await refresh(ctx, { request }));
	}
};
