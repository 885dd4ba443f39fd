// Applies a batch of operations queued by a License Manager while it was offline, in order, each at
// most once (each operation type guarantees that for itself: see operations.ts). A rejected
// operation is acknowledged with its reason so the client stops retrying it; one that needs a
// sign-in is left unapplied until the client has a session (or is applied with the sealed
// authorization it carries: operation-account.ts); an operation is never applied under another
// account's session than the one it names. An operation holding text a database cannot store (NUL,
// lone surrogates: protocol/storable-text.ts) is rejected by itself, before it reaches a statement,
// and the rest of the batch goes on. An unexpected fault in one operation stops the batch there:
// the operations before it are answered (they are applied and must be acknowledged, or the client
// would send them again for ever), the faulty one and those after it get no result, so the client
// sends them again later, still in queue order.
//
// Every operation is first read against the protocol's table of operations and prepared (its
// signatures verified in the thread pool), all side by side; then they are applied in queue order.
// On SQLite a run of operations whose type allows it is started at once: the group commit
// (db/group-commit.ts) runs them in the order they were started, in one transaction, instead of
// one transaction each.
import { logger } from '../observability/logger';
import { countSyncOperation } from '../observability/metrics';
import { z } from 'zod';
import { MAX_SYNC_BATCH, syncOperationSchema, type SyncOperation, type SyncResult } from '$lib/protocol/api';
import { TIME_NONCE } from '$lib/protocol/server-time';
import { describeUnstorable, findUnstorableText } from '$lib/protocol/storable-text';
import { readOperation, type KnownOperation, type OperationType } from '$lib/protocol/operations';
import type { ActivationContext } from '../activation/activation.service';
import { isPostgres } from '../db/database';
import { DomainError, type Refusal } from '../errors';
import type {
	OperationHandler,
	OperationOutcome,
	PreparedOperation,
	SyncAccount,
	SyncClient
} from './operation';
import { accountForOperation, type AuthorizationContext } from './operation-account';
import { OPERATIONS } from './operations';
import { sealKeyPair } from '../keys/seal-key';

const DAMAGED: Record<OperationType, string> = {
	'instant-activation': 'The queued activation is damaged and cannot be sent.',
	refresh: 'The queued Refresh is damaged and cannot be sent.',
	'emergency-report': 'The queued emergency activation report is damaged and cannot be sent.',
	'store-edit': 'The queued License list change is damaged and cannot be sent.',
	'deactivation-report':
		'The queued deactivation statement is damaged and cannot be sent. Show the statement and take it to the portal instead.'
};

/** An operation holding text no database can store: kept by its id only, to be answered `rejected`. */
export interface UnstorableOperation {
	id: string;
	unstorable: Refusal;
}

export type SyncItem = SyncOperation | UnstorableOperation;

/**
 * Sets aside an operation holding unstorable text (anywhere but its id) as its own refusal, so that
 * the body reader's rule (http/body.ts: nothing unstorable reaches a route) refuses this one
 * operation instead of the whole batch. An unstorable id still refuses the batch: it is the batch's
 * framing (the License Manager makes ids itself), and the answer could not name the operation.
 */
export function toSyncItem(operation: SyncOperation): SyncItem {
	const { id, ...rest } = operation;
	const found = findUnstorableText(rest);
	if (!found) return operation;
	return {
		id,
		unstorable: {
			code: 'invalid_payload',
			message: describeUnstorable(found, 'This queued operation')
		}
	};
}

/** The body of POST /api/v1/sync as the server reads it. */
export const syncBatchSchema = z.object({
	operations: z.array(syncOperationSchema.transform(toSyncItem)).min(1).max(MAX_SYNC_BATCH),
	/** The client's time nonce, signed into the answer's time statement (T2; server-time.ts). */
	timeNonce: z.string().regex(TIME_NONCE, 'must be 22 characters of the base64url alphabet').optional()
});

type Ready =
	| { kind: 'ready'; type: OperationType; run: PreparedOperation<OperationType>; account: SyncAccount }
	| { kind: 'done'; outcome: OperationOutcome }
	| { kind: 'fault' };

/** What an operation came to: its outcome, or an unexpected fault (it gets no result). */
type Applied = OperationOutcome | 'fault';

function logFault(operation: { id: string }, step: string, error: unknown): void {
	logger.error(
		{ operation: operation.id, step, err: error },
		'sync: an operation failed unexpectedly; it and the operations after it in its batch get no result and are sent again'
	);
}

function typeOf(item: SyncItem): string {
	return 'unstorable' in item ? 'unknown' : item.type;
}

/** The outcome's label in the metrics: its status, or the refusal's code. */
function outcomeLabel(outcome: OperationOutcome): string {
	return outcome.status === 'rejected' ? outcome.error.code : outcome.status;
}

function rejectedFor(error: unknown): OperationOutcome {
	// An operation that cannot be read will never apply: reject it rather than retry forever.
	if (!(error instanceof DomainError)) throw error;
	return { status: 'rejected', error: { code: error.refusal.code, message: error.refusal.message } };
}

async function prepare(
	item: SyncItem,
	session: SyncAccount,
	authorization: AuthorizationContext
): Promise<Ready> {
	// Callers other than the route (tests, tools) may pass operations the schema has not sorted.
	const sorted = 'unstorable' in item ? item : toSyncItem(item);
	if ('unstorable' in sorted)
		return { kind: 'done', outcome: { status: 'rejected', error: sorted.unstorable } };
	try {
		return await prepareOperation(sorted, session, authorization);
	} catch (error) {
		logFault(sorted, 'being read', error);
		return { kind: 'fault' };
	}
}

async function prepareOperation(
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
	operations: SyncItem[],
	session: SyncAccount,
	client: { address?: string } = {}
): Promise<SyncResult[]> {
	const sender: SyncClient = { address: client.address ?? 'unknown' };
	const context: AuthorizationContext = {
		db: ctx.db,
		now: ctx.now,
		clientAddress: client.address ?? 'unknown',
		sealKey: await sealKeyPair(ctx.signer)
	};
	const ready = await Promise.all(operations.map((operation) => prepare(operation, session, context)));
	const apply = async (each: Ready, index: number): Promise<Applied> => {
		if (each.kind === 'fault') return 'fault';
		if (each.kind === 'done') return each.outcome;
		try {
			return await each.run(ctx, each.account, sender);
		} catch (error) {
			logFault(operations[index]!, 'being applied', error);
			return 'fault';
		}
	};
	const outcomes: Applied[] = [];
	const together = !isPostgres(ctx.db);
	for (let index = 0; index < ready.length && !outcomes.includes('fault'); index++) {
		const each = ready[index]!;
		if (together && each.kind === 'ready' && OPERATIONS[each.type].groupCommit) {
			// Operations already decided (damaged ones) stay in the run: they resolve at once.
			const joins = (next: Ready) =>
				next.kind === 'done' || (next.kind === 'ready' && next.type === each.type);
			let end = index + 1;
			while (end < ready.length && joins(ready[end]!)) end++;
			// Started together, each in its own savepoint: one that faults is rolled back alone, and the
			// others of the run are committed, so they are answered.
			outcomes.push(...(await Promise.all(ready.slice(index, end).map((next, i) => apply(next, index + i)))));
			index = end - 1;
			continue;
		}
		outcomes.push(await apply(each, index));
	}
	outcomes.forEach((outcome, i) =>
		countSyncOperation(typeOf(operations[i]!), outcome === 'fault' ? 'fault' : outcomeLabel(outcome))
	);
	// A fault and a `later` get no result: the client sends them again after a delay.
	return outcomes.flatMap((outcome, i) =>
		outcome === 'fault' || outcome.status === 'later' ? [] : [{ id: operations[i]!.id, ...outcome }]
	);
}
