// Deactivation statements queued while the License Manager was offline (or sent by it after the
// portal already brought them). No session is needed: the device's signature is the credential.
// Idempotent by itself: a statement the server already has, or whose seat is free already, is
// answered `already` — the device then knows the server has it — and changes nothing.
import { parseDeactivationText } from '$lib/protocol/deactivation';
import { applyDeactivation } from '../activation/deactivation.service';
import { DomainError } from '../errors';
import type { OperationHandler } from './operation';

export const deactivationReport: OperationHandler<'deactivation-report'> = {
	async prepare(payload) {
		const read = await parseDeactivationText(payload.statement);
		if (!read.ok) throw new DomainError(read.error);
		const { statement } = read;
		return async (ctx) => {
			const outcome = await applyDeactivation(
				{ db: ctx.db, now: ctx.now, ...(ctx.origin ? { origin: ctx.origin } : {}) },
				statement
			);
			if (outcome.ok)
				return { status: 'applied', result: { licenseNumber: statement.licenseNumber, outcome: 'freed' } };
			if (outcome.error.code === 'deactivation_replayed' || outcome.error.code === 'seat_already_released')
				return { status: 'applied', result: { licenseNumber: statement.licenseNumber, outcome: 'already' } };
			return { status: 'rejected', error: { code: outcome.error.code, message: outcome.error.message } };
		};
	}
};
