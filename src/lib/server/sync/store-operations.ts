// Edits of the store's projects and license links queued while the License Manager was offline.
// Idempotent by themselves: the same edit (same stamp) applied again changes nothing, and a loss it
// caused is kept once, so no operation record is needed.
import { storeEditPayloadSchema, type StoreEditResult } from '$lib/protocol/store';
import { ApiFailure } from '../http/api-error';
import { applyStoreEdit } from '../store/store.service';
import type { OperationHandler } from './operation';

export const storeEditOperation: OperationHandler = async (ctx, payload, account) => {
	if (!account)
		return {
			status: 'needs-sign-in',
			error: { code: 'not_signed_in', message: 'Sign in to save your License list changes.' }
		};
	const body = storeEditPayloadSchema.safeParse(payload);
	if (!body.success)
		throw new ApiFailure({
			code: 'invalid_payload',
			message: 'The queued License list change is damaged and cannot be sent.'
		});
	const outcome = await applyStoreEdit(ctx.db, account.id, body.data.edit, ctx.now);
	return outcome.ok
		? { status: 'applied', result: { lost: outcome.value } satisfies StoreEditResult }
		: { status: 'rejected', error: { code: outcome.error.code, message: outcome.error.message } };
};
