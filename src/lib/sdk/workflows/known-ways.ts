// What this device already knows of a license's activation ways, so that a refusal is said before
// the trip to an online computer, not after it. The License list copy (the server's answer, kept
// offline) says which licenses are "R" licenses (no Deferred Activation) and which offer no Emergency
// Activation; a sync may have said the latter too (kept by the emergency workflow). Only an explicit
// "not allowed" counts: a license the device knows nothing of is not refused here.
import type { LicenseStorage } from '../platform/storage.js';

export type ActivationWay = 'deferred' | 'emergency';

export interface WayRefusal {
	code: 'deferred_not_allowed' | 'emergency_not_allowed';
	licenseNumber: string;
	message: string;
}

const FIELD: Record<ActivationWay, string> = { deferred: 'deferredAllowed', emergency: 'emergencyAllowed' };

function refusal(way: ActivationWay, licenseNumber: string): WayRefusal {
	return way === 'deferred'
		? {
				code: 'deferred_not_allowed',
				licenseNumber,
				message: `License ${licenseNumber} cannot be activated by Deferred Activation (an “R” license, as your License list says). Activate it with Instant Activation on a computer with internet access, and remove it from this request.`
			}
		: {
				code: 'emergency_not_allowed',
				licenseNumber,
				message: `Emergency Activation is not available for ${licenseNumber}, as your License list says. Use Instant Activation, or Deferred Activation if this computer has no internet access.`
			};
}

/** The licenses among `numbers` that the License list copy says refuse `way`, in the order given. */
export async function knownRefusals(
	storage: LicenseStorage,
	way: ActivationWay,
	numbers: readonly string[]
): Promise<WayRefusal[]> {
	if (numbers.length === 0) return [];
	const rows = await storage.transaction('r', ['storeLicenses'], (tx) =>
		tx.getMany('storeLicenses', numbers)
	);
	return numbers.flatMap((number, i) => (rows[i]?.[FIELD[way]] === false ? [refusal(way, number)] : []));
}
