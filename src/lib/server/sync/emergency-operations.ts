// Emergency uses queued while the License Manager was offline. No session is needed: the device
// signature inside the report is the credential. Idempotent by itself (a license has one recorded
// use, and the same report gets the same answer), so no operation record is kept.
import { getConfig } from '../config';
import { reportEmergencyUse } from '../emergency/emergency-report.service';
import { serverTrustedKeys } from '../keys/trusted-keys';
import type { OperationHandler } from './operation';

/** The operation, with the vendor's bare-number setting read when it runs (tests pass their own). */
export function emergencyReportOperation(
	acceptBareNumber: () => boolean
): OperationHandler<'emergency-report'> {
	return {
		async prepare(payload) {
			return async (ctx, _account, client) => {
				const outcome = await reportEmergencyUse(
					{
						db: ctx.db,
						now: ctx.now,
						trustedKeys: await serverTrustedKeys(ctx.db),
						acceptBareNumber: acceptBareNumber(),
						clientAddress: client.address
					},
					payload.use
				);
				if (outcome.ok) return { status: 'applied', result: outcome.result };
				// A limit (`later`): not answered now, so the License Manager sends it again after a delay.
				const error = { code: outcome.error.code, message: outcome.error.message };
				return { status: outcome.later ? 'later' : 'rejected', error };
			};
		}
	};
}

export const emergencyReport = emergencyReportOperation(() => getConfig().emergencyAcceptBareNumber);
