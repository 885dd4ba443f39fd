// Every operation a License Manager queues for the server (its outbox, sent by POST /api/v1/sync),
// with the schema of its payload and of the result the server answers when it applies it. The
// client (one module per operation type turns a result into local writes) and the server (one
// handler per operation type) are both typed against this one table: a type added here is a
// compile error on both sides until each handles it.
//
// On the wire an operation's `type` stays a free string (api.ts): a server that does not know a
// type answers that one operation `unknown_operation` instead of refusing the whole batch, so an
// older server and a newer License Manager still exchange everything else.
import { z } from './zod.js';
import { activationResponseSchema, signedRequestBodySchema } from './api.js';
import { deactivationBodySchema, deactivationReportResultSchema } from './deactivation-api.js';
import { emergencyReportPayloadSchema, emergencyReportResultSchema } from './emergency-api.js';
import { isOperationType, type OperationType } from './operation-types.js';
import { storeEditPayloadSchema, storeEditResultSchema } from './store.js';

export { isOperationType, OPERATION_TYPES, type OperationType } from './operation-types.js';

export const operationSchemas = {
	/** A signed activation request (reg.txt text) for the signed-in account. */
	'instant-activation': { payload: signedRequestBodySchema, result: activationResponseSchema },
	/** A signed refresh request: new and updated licenses, expansions and revocations. */
	refresh: { payload: signedRequestBodySchema, result: activationResponseSchema },
	/** An Emergency Activation made offline, signed by the device. */
	'emergency-report': { payload: emergencyReportPayloadSchema, result: emergencyReportResultSchema },
	/** An edit of the account's projects or license links. */
	'store-edit': { payload: storeEditPayloadSchema, result: storeEditResultSchema },
	/** A deactivation statement made offline, signed by the device: frees the seat it gave up. */
	'deactivation-report': { payload: deactivationBodySchema, result: deactivationReportResultSchema }
} as const satisfies Record<OperationType, { payload: z.ZodType; result: z.ZodType }>;

export type OperationPayload<T extends OperationType> = z.infer<(typeof operationSchemas)[T]['payload']>;
export type OperationResult<T extends OperationType> = z.infer<(typeof operationSchemas)[T]['result']>;

/** One queued operation of a known type, its payload checked against that type's schema. */
export type KnownOperation = {
	[T in OperationType]: { id: string; type: T; payload: OperationPayload<T> };
}[OperationType];

export type OperationRead =
	{ ok: true; operation: KnownOperation } | { ok: false; code: 'unknown_operation' | 'invalid_payload' };

/** Reads an operation off the wire: its type must be known and its payload fit that type's schema. */
export function readOperation(operation: { id: string; type: string; payload: unknown }): OperationRead {
	if (!isOperationType(operation.type)) return { ok: false, code: 'unknown_operation' };
	const payload = operationSchemas[operation.type].payload.safeParse(operation.payload);
	if (!payload.success) return { ok: false, code: 'invalid_payload' };
	return {
		ok: true,
		operation: { id: operation.id, type: operation.type, payload: payload.data } as KnownOperation
	};
}

/** Parses the result the server gave for an applied operation of `type`; null when it does not fit. */
export function readOperationResult<T extends OperationType>(
	type: T,
	result: unknown
): OperationResult<T> | null {
	const parsed = operationSchemas[type].result.safeParse(result);
	return parsed.success ? (parsed.data as OperationResult<T>) : null;
}
