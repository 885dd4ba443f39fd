// Every operation type the sync endpoint accepts (docs/API.md lists them): one handler for each type
// of the protocol's table, checked by the compiler.
import { instantActivationOperation, refreshOperation } from './activation-operations';
import { deactivationReport } from './deactivation-operations';
import { emergencyReport } from './emergency-operations';
import type { OperationRegistry } from './operation';
import { storeEditOperation } from './store-operations';

export const OPERATIONS: OperationRegistry = {
	'instant-activation': instantActivationOperation,
	refresh: refreshOperation,
	'emergency-report': emergencyReport,
	'store-edit': storeEditOperation,
	'deactivation-report': deactivationReport
};
