// What every kind of queued operation provides to the sync service.
import type { SyncResult } from '$lib/protocol/api';
import type { ActivationContext } from '../activation/activation.service';

export type SyncAccount = { id: string; email: string } | null;

/** The outcome of one operation: applied (with a result), rejected for good, or waiting for a sign-in. */
export type OperationOutcome = Omit<SyncResult, 'id'>;

export type OperationHandler = (
	ctx: ActivationContext,
	payload: unknown,
	account: SyncAccount
) => Promise<OperationOutcome>;
