// A license's history as its owner sees it: activations, emergency uses, seat releases and the
// vendor's changes, from the server's audit log (never kept on the device: it is the server's record).
import type { ApiError } from '$lib/protocol/api.js';
import type { LicenseHistoryResponse } from '$lib/protocol/audit-api.js';
import type { Core } from '../core.js';

export type LicenseHistoryOutcome =
	{ ok: true; history: LicenseHistoryResponse } | { ok: false; error: ApiError };

export async function readLicenseHistory(core: Core, licenseNumber: string): Promise<LicenseHistoryOutcome> {
	const answer = await core.api.licenseHistory(licenseNumber);
	if (answer.kind === 'ok') return { ok: true, history: answer.value };
	if (answer.kind === 'unreachable')
		return {
			ok: false,
			error: {
				code: 'unreachable',
				message:
					'The history is kept by the activation server, which cannot be reached now. It is shown here when this device is online.'
			}
		};
	if (answer.error.code === 'not_signed_in')
		return {
			ok: false,
			error: {
				code: 'not_signed_in',
				message: 'Sign in with the account that owns this license to see its history.'
			}
		};
	return { ok: false, error: answer.error };
}
