// Every operation type the sync endpoint accepts, by its wire name (docs/API.md lists them).
import { instantActivationOperation, refreshOperation } from './activation-operations';
import { emergencyReport } from './emergency-operations';
import type { OperationHandler } from './operation';
import { storeEditOperation } from './store-operations';

export const OPERATIONS: Readonly<Record<string, OperationHandler>> = {
	'instant-activation': instantActivationOperation,
	refresh: refreshOperation,
	'emergency-report': emergencyReport,
	'store-edit': storeEditOperation
};
