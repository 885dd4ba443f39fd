// The names of the operations a License Manager queues for the server, without their schemas
// (operations.ts has those, in zod): what a client needs at start to read its queue back.
export const OPERATION_TYPES = [
	'instant-activation',
	'refresh',
	'emergency-report',
	'store-edit',
	'deactivation-report'
] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

export function isOperationType(type: string): type is OperationType {
	return (OPERATION_TYPES as readonly string[]).includes(type);
}
