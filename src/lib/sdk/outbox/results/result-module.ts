// One module per operation type turns the results the server gave for a batch's applied items into
// local writes (results/index.ts lists them, one per type of the protocol's table).
import type { OperationResult, OperationType } from '$lib/protocol/operations.js';
import type { TrustedKeys } from '$lib/protocol/vendor-keys.js';
import type { Core } from '../../core.js';
import type { OutboxItem } from '../../rows.js';
import type { ResultWriter } from '../outbox.js';

export interface TypedApplied<T extends OperationType> {
	item: OutboxItem;
	type: T;
	result: OperationResult<T>;
}

export interface ResultModule<T extends OperationType> {
	/**
	 * Prepares the writes for this batch's applied items of its types, in queue order: the work that
	 * is not storage (verifying signatures, fetching keys) happens here, the writes in the returned
	 * function, run in the transaction that marks the batch done. `trustedKeys` brings the vendor
	 * keys up to date once per flush.
	 */
	prepare(
		core: Core,
		applied: TypedApplied<T>[],
		trustedKeys: () => Promise<TrustedKeys>
	): Promise<ResultWriter>;
}
