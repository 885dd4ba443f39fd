// Applies a batch of operations queued by a License Manager while it was offline, in order, each at
// most once (each operation type guarantees that for itself: see operations.ts). A rejected
// operation is acknowledged with its reason so the client stops retrying it; one that needs a
// sign-in is left unapplied until the client has a session (or is applied with the sealed
// authorization it carries: operation-account.ts); an operation is never applied under another
// account's session than the one it names. An unexpected fault fails the whole
// batch (500): what was applied stays applied, and the client sends the batch again.
//
// Every operation is first read against the protocol's table of operations and prepared (its
// signatures verified in the thread pool), all side by side; then they are applied in queue order.
// On SQLite a run of operations whose type allows it is started at once: the group commit
// (db/group-commit.ts) runs them in the order they were started, in one transaction, instead of
// one transaction each.
import type { SyncOperation, SyncResult } from '$lib/protocol/api';
import { readOperation, type KnownOperation, type OperationType } from '$lib/protocol/operations';
import type { ActivationContext } from '../activation/activation.service';
import { isPostgres } from '../db/database';
import { DomainError } from '../errors';
import type { OperationHandler, OperationOutcome, PreparedOperation, SyncAccount } from './operation';
import { accountForOperation, type AuthorizationContext } from './operation-account';
import { OPERATIONS } from './operations';
import { sealKeyPair } from '../keys/seal-key';

const DAMAGED: Record<OperationType, string> = {
	'instant-activation': 'The queued activation is damaged and cannot be sent.',
	refresh: 'The queued Refresh is damaged and cannot be sent.',
	'emergency-report': 'The queued emergency activation report is damaged and cannot be sent.',
	'store-edit': 'The queued License list change is damaged and cannot be sent.'
};

type Ready =
	| { kind: 'ready'; type: OperationType; run: PreparedOperation<OperationType>; account: SyncAccount }
	| { kind: 'done'; outcome: OperationOutcome };

function rejectedFor(error: unknown): OperationOutcome {
	// An operation that cannot be read will never apply: reject it rather than retry forever.
	if (!(error instanceof DomainError)) throw error;
	return { status: 'rejected', error: { code: error.refusal.code, message: error.refusal.message } };
}

async function prepare(
	operation: SyncOperation,
	session: SyncAccount,
	authorization: AuthorizationContext
): Promise<Ready> {
	const read = readOperation(operation);
	if (!read.ok) {
		const message =
			read.code === 'unknown_operation'
				? `This server does not know the operation “${operation.type}”. Update the License Manager.`
				: DAMAGED[operation.type as OperationType];
		return { kind: 'done', outcome: { status: 'rejected', error: { code: read.code, message } } };
	}
	const known: KnownOperation = read.operation;
	// One handler per type of the union: the cast only restates what the registry's type says.
	const handler = OPERATIONS[known.type] as OperationHandler<OperationType>;
	let run: PreparedOperation<OperationType>;
	try {
		run = await handler.prepare(known.payload as never);
	} catch (error) {
		return { kind: 'done', outcome: rejectedFor(error) };
	}
	const owner = await accountForOperation(operation, session, authorization);
	return owner.kind === 'account'
		? { kind: 'ready', type: known.type, run, account: owner.account }
		: { kind: 'done', outcome: owner.outcome };
}

export async function applySyncBatch(
	ctx: ActivationContext,
	operations: SyncOperation[],
	session: SyncAccount,
	client: { address?: string } = {}
): Promise<SyncResult[]> {
	const context: AuthorizationContext = {
		db: ctx.db,
		now: ctx.now,
		clientAddress: client.address ?? 'unknown',
		sealKey: await sealKeyPair(ctx.signer)
	};
	const ready = await Promise.all(operations.map((operation) => prepare(operation, session, context)));
	const apply = (each: Ready): Promise<OperationOutcome> =>
		each.kind === 'ready' ? each.run(ctx, each.account) : Promise.resolve(each.outcome);
	const outcomes: OperationOutcome[] = [];
	const together = !isPostgres(ctx.db);
	for (let index = 0; index < ready.length; index++) {
		const each = ready[index]!;
		if (together && each.kind === 'ready' && OPERATIONS[each.type].groupCommit) {
			// Operations already decided (damaged ones) stay in the run: they resolve at once.
			const joins = (next: Ready) => next.kind === 'done' || next.type === each.type;
			let end = index + 1;
			while (end < ready.length && joins(ready[end]!)) end++;
			outcomes.push(...(await Promise.all(ready.slice(index, end).map(apply))));
			index = end - 1;
			continue;
		}
		outcomes.push(await apply(each));
	}
	return operations.map((operation, i) => ({ id: operation.id, ...outcomes[i]! }));
}
