// Edits of the store's projects and license links queued while the License Manager was offline.
// Idempotent by themselves: the same edit (same stamp) applied again changes nothing, and a loss it
// caused is kept once, so no operation record is needed.
import { applyStoreEdit } from '../store/store.service';
import type { OperationHandler } from './operation';

export const storeEditOperation: OperationHandler<'store-edit'> = {
	async prepare(payload) {
		return async (ctx, account) => {
			if (!account)
				return {
					status: 'needs-sign-in',
					error: { code: 'not_signed_in', message: 'Sign in to save your License list changes.' }
				};
			const outcome = await applyStoreEdit(ctx.db, account.id, payload.edit, ctx.now);
			return outcome.ok
				? { status: 'applied', result: { lost: outcome.value } }
				: { status: 'rejected', error: { code: outcome.error.code, message: outcome.error.message } };
		};
	}
};
