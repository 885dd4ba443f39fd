// The result module of each operation type of the protocol's table (checked by the compiler), and
// the one handler the outbox calls per batch: it parses each applied item's result against its type,
// lets each module prepare its writes (in queue order within the module), and returns them as one
// writer for the batch's transaction.
import { readOperationResult, type OperationType } from '$lib/protocol/operations.js';
import type { TrustedKeys } from '$lib/protocol/vendor-keys.js';
import type { Core } from '../../core.js';
import type { AppliedItem, ResultWriter } from '../outbox.js';
import { deactivationReport } from './deactivation-report.js';
import { emergencyReport } from './emergency-report.js';
import { licenseFiles } from './license-files.js';
import type { ResultModule, TypedApplied } from './result-module.js';
import { storeEdit } from './store-edit.js';

const RESULT_MODULES: { readonly [T in OperationType]: ResultModule<T> } = {
	'instant-activation': licenseFiles,
	refresh: licenseFiles,
	'emergency-report': emergencyReport,
	'store-edit': storeEdit,
	'deactivation-report': deactivationReport
};

/**
 * Prepares the writes for a batch's applied items. An item whose result does not fit its type's
 * schema (a server of another version) brings nothing: it was applied, and the next Refresh brings
 * what it should have.
 */
export async function prepareResults(
	core: Core,
	applied: AppliedItem[],
	trustedKeys: () => Promise<TrustedKeys>
): Promise<ResultWriter> {
	// Grouped by module (two types share one), each group in queue order.
	const groups = new Map<ResultModule<OperationType>, TypedApplied<OperationType>[]>();
	for (const { item, result } of applied) {
		const parsed = readOperationResult(item.type, result);
		if (parsed === null) continue;
		const module = RESULT_MODULES[item.type] as ResultModule<OperationType>;
		const group = groups.get(module) ?? [];
		group.push({ item, type: item.type, result: parsed });
		groups.set(module, group);
	}
	const writers = await Promise.all(
		[...groups].map(([module, group]) => module.prepare(core, group, trustedKeys))
	);
	return async (tx) => {
		for (const write of writers) await write(tx);
	};
}
