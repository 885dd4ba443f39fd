// What every kind of queued operation provides to the sync service, typed by the protocol's table of
// operations (protocol/operations.ts): a handler for each type, with that type's payload and result.
import type { Refusal } from '../errors';
import type { OperationPayload, OperationResult, OperationType } from '$lib/protocol/operations';
import type { ActivationContext } from '../activation/activation.service';

export type SyncAccount = { id: string; email: string } | null;

/**
 * The outcome of one operation: applied (with its type's result), rejected for good, waiting for a
 * sign-in, or not taken now (`later`: a limit; it gets no result, and the client sends it again).
 */
export type OperationOutcome<T extends OperationType = OperationType> =
	| { status: 'applied'; result: OperationResult<T> }
	| { status: 'rejected'; error: Refusal }
	| { status: 'needs-sign-in'; error: Refusal }
	| { status: 'later'; error: Refusal };

/** Who sent the batch. */
export interface SyncClient {
	address: string;
}

/** An operation read and checked (signatures verified), ready to apply to the database. */
export type PreparedOperation<T extends OperationType> = (
	ctx: ActivationContext,
	account: SyncAccount,
	client: SyncClient
) => Promise<OperationOutcome<T>>;

export interface OperationHandler<T extends OperationType> {
	/**
	 * The work that needs no database (parsing, signature checks): the sync service runs it for a
	 * whole batch side by side. Throws a DomainError for an operation that can never apply.
	 */
	prepare(payload: OperationPayload<T>): Promise<PreparedOperation<T>>;
	/**
	 * On SQLite, consecutive operations of this type are started together: the group commit
	 * (db/group-commit.ts) applies them in the order they were started, in one transaction.
	 */
	groupCommit?: boolean;
}

export type OperationRegistry = { readonly [T in OperationType]: OperationHandler<T> };
