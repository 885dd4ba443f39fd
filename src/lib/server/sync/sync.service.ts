// Applies a batch of operations queued by a License Manager while it was offline, in order, each at
// most once (each operation type guarantees that for itself: see operations.ts). A rejected
// operation is acknowledged with its reason so the client stops retrying it; one that needs a
// sign-in is left unapplied until the client has a session. An unexpected fault fails the whole
// batch (500): what was applied stays applied, and the client sends the batch again.
//
// A run of Instant Activations (what an offline License Manager queues most) is read together
// (each request's signature is verified in the thread pool, side by side), then applied in queue
// order. On SQLite they are all started at once: the group commit (db/group-commit.ts) runs them in
// the order they were started, in one transaction, instead of one transaction each.
import type { SyncOperation, SyncResult } from '$lib/protocol/api';
import type { ActivationContext } from '../activation/activation.service';
import { isPostgres } from '../db/database';
import { ApiFailure } from '../http/api-error';
import { applyInstantActivation, requestFrom } from './activation-operations';
import type { OperationOutcome, SyncAccount } from './operation';
import { OPERATIONS } from './operations';

const INSTANT_ACTIVATION = 'instant-activation';

function rejectedFor(error: unknown): OperationOutcome {
	// An operation that cannot be read will never apply: reject it rather than retry forever.
	if (!(error instanceof ApiFailure)) throw error;
	return { status: 'rejected', error: { code: error.error.code, message: error.error.message } };
}

async function applyActivationRun(
	ctx: ActivationContext,
	run: SyncOperation[],
	account: { id: string; email: string }
): Promise<SyncResult[]> {
	const read = await Promise.all(
		run.map((operation) =>
			requestFrom(operation.payload).then(
				(request) => ({ request }),
				(error: unknown) => ({ outcome: rejectedFor(error) })
			)
		)
	);
	const apply = (each: (typeof read)[number]): Promise<OperationOutcome> =>
		'request' in each ? applyInstantActivation(ctx, each.request, account) : Promise.resolve(each.outcome);
	let outcomes: OperationOutcome[];
	if (isPostgres(ctx.db)) {
		outcomes = [];
		for (const each of read) outcomes.push(await apply(each));
	} else {
		outcomes = await Promise.all(read.map(apply));
	}
	return run.map((operation, i) => ({ id: operation.id, ...outcomes[i]! }));
}

export async function applySyncBatch(
	ctx: ActivationContext,
	operations: SyncOperation[],
	account: SyncAccount
): Promise<SyncResult[]> {
	const results: SyncResult[] = [];
	for (let index = 0; index < operations.length; index++) {
		const operation = operations[index]!;
		if (operation.type === INSTANT_ACTIVATION && account) {
			let end = index + 1;
			while (end < operations.length && operations[end]!.type === INSTANT_ACTIVATION) end++;
			results.push(...(await applyActivationRun(ctx, operations.slice(index, end), account)));
			index = end - 1;
			continue;
		}
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
			results.push({ id: operation.id, ...rejectedFor(error) });
		}
	}
	return results;
}
