// Applies a batch of operations queued by a License Manager while it was offline, in order, each at
// most once (each operation type guarantees that for itself: see operations.ts). A rejected
// operation is acknowledged with its reason so the client stops retrying it; one that needs a
// sign-in is left unapplied until the client has a session. An unexpected fault fails the whole
// batch (500): what was applied stays applied, and the client sends the batch again.
import type { SyncOperation, SyncResult } from '$lib/protocol/api';
import type { ActivationContext } from '../activation/activation.service';
import { ApiFailure } from '../http/api-error';
import type { SyncAccount } from './operation';
import { OPERATIONS } from './operations';

export async function applySyncBatch(
	ctx: ActivationContext,
	operations: SyncOperation[],
	account: SyncAccount
): Promise<SyncResult[]> {
	const results: SyncResult[] = [];
	for (const operation of operations) {
		const handler = Object.hasOwn(OPERATIONS, operation.type) ? OPERATIONS[operation.type] : undefined;
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
			// An operation that cannot be read will never apply: reject it rather than retry forever.
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
