// Activation and refresh requests queued while the License Manager was offline. They need no
// operation record: the signed request's nonce already makes them idempotent.
import { signedRequestBodySchema } from '$lib/protocol/api';
import type { RegistrationRequest } from '$lib/protocol/reg-file';
import {
	activate,
	refresh,
	type ActivationContext,
	type ActivationOutcome
} from '../activation/activation.service';
import { ApiFailure } from '../http/api-error';
import { parseSignedRequestText } from '../http/signed-request';
import type { OperationHandler, OperationOutcome } from './operation';

function fromOutcome(outcome: ActivationOutcome): OperationOutcome {
	return outcome.ok
		? { status: 'applied', result: outcome.response }
		: { status: 'rejected', error: { code: outcome.error.code, message: outcome.error.message } };
}

/** Reads a queued signed request (and verifies its signature); an ApiFailure when it is damaged. */
export async function requestFrom(payload: unknown) {
	const body = signedRequestBodySchema.safeParse(payload);
	if (!body.success)
		throw new ApiFailure({
			code: 'invalid_payload',
			message: 'The queued operation is damaged and cannot be sent.'
		});
	return parseSignedRequestText(body.data.request);
}

/** Applies a queued Instant Activation whose request was read by requestFrom. */
export async function applyInstantActivation(
	ctx: ActivationContext,
	request: RegistrationRequest,
	account: { id: string; email: string }
): Promise<OperationOutcome> {
	return fromOutcome(await activate(ctx, { request, path: 'instant', account }));
}

export const instantActivationOperation: OperationHandler = async (ctx, payload, account) => {
	if (!account)
		return {
			status: 'needs-sign-in',
			error: { code: 'not_signed_in', message: 'Sign in to finish this activation.' }
		};
	return applyInstantActivation(ctx, await requestFrom(payload), account);
};

export const refreshOperation: OperationHandler = async (ctx, payload) =>
	fromOutcome(await refresh(ctx, { request: await requestFrom(payload) }));
