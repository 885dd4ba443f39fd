// Applies a batch of operations queued by a License Manager while it was offline. Each operation is
// applied at most once: activation and refresh requests are idempotent by their signed nonce (a
// replay gets the stored answer), and every other result is recorded under the client's operation
// id. A rejected operation is acknowledged with its reason so the client stops retrying it; one that
// needs a sign-in is left unapplied until the client has a session.
import type { SyncOperation, SyncResult } from '$lib/protocol/api';
import { signedRequestBodySchema } from '$lib/protocol/api';
import { ApiFailure } from '../http/api-error';
import { parseSignedRequestText } from '../http/signed-request';
import { activate, refresh, type ActivationContext, type ActivationOutcome } from './activation.service';

export type SyncAccount = { id: string; email: string } | null;

type OperationHandler = (
	ctx: ActivationContext,
	payload: unknown,
	account: SyncAccount
) => Promise<Omit<SyncResult, 'id'>>;

function fromOutcome(outcome: ActivationOutcome): Omit<SyncResult, 'id'> {
	return outcome.ok
		? { status: 'applied', result: outcome.response }
		: { status: 'rejected', error: { code: outcome.error.code, message: outcome.error.message } };
}

async function requestFrom(payload: unknown) {
	const body = signedRequestBodySchema.safeParse(payload);
	if (!body.success)
		throw new ApiFailure({
			code: 'invalid_payload',
			message: 'The queued operation is damaged and cannot be sent.'
		});
	return parseSignedRequestText(body.data.request);
}

const handlers: Record<string, OperationHandler> = {
	'instant-activation': async (ctx, payload, account) => {
		if (!account)
			return {
				status: 'needs-sign-in',
				error: { code: 'not_signed_in', message: 'Sign in to finish this activation.' }
			};
		return fromOutcome(
			await activate(ctx, { request: await requestFrom(payload), path: 'instant', account })
		);
	},
	refresh: async (ctx, payload) => fromOutcome(await refresh(ctx, { request: await requestFrom(payload) }))
};

export const SUPPORTED_OPERATIONS = Object.keys(handlers);

export async function applySyncBatch(
	ctx: ActivationContext,
	operations: SyncOperation[],
	account: SyncAccount
): Promise<SyncResult[]> {
	const results: SyncResult[] = [];
	for (const operation of operations) {
		const handler = handlers[operation.type];
		if (!handler) {
			results.push({
				id: operation.id,
				status: 'rejected',
				error: {
					code: 'unknown_operation',
					message: `This server does not know the operation “${operation.type}”. Update the License Manager.`
				}
			});
			continue;
		}
		try {
			results.push({ id: operation.id, ...(await handler(ctx, operation.payload, account)) });
		} catch (error) {
			// A request that cannot be read will never be applied: reject it instead of retrying forever.
			if (!(error instanceof ApiFailure)) throw error;
			results.push({
				id: operation.id,
				status: 'rejected',
				error: { code: error.error.code, message: error.error.message }
			});
		}
	}
	return results;
}
