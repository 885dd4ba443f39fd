// What Deferred Activation's form starts with, from what this device already knows: the account's
// licenses in the License list copy that are not on this device yet (and could come by Deferred
// Activation), or else the last request's numbers not activated since; the e-mail address of the
// account signed in, or of the last request. The user can change both before Generate file.
import { MAX_REQUEST_LICENSES } from '$lib/protocol/reg-file.js';
import type { StoreLicense } from '$lib/protocol/store.js';
import { signedInAccount } from '../account.js';
import type { Core } from '../core.js';
import { readLicenses } from '../licenses/license-rows.js';
import { readStoreCopy } from '../store/store-sync.js';
import { LAST_REQUEST_SETTING } from './deferred.js';
import { checkEmail, checkLicenseNumbers } from './requests.js';

export interface KnownRequest {
	licenseNumbers: string[];
	email: string;
}

export interface RequestSuggestion extends KnownRequest {
	/** Where the numbers came from (null: nothing known, the user types them). */
	numbersFrom: 'license-list' | 'last-request' | null;
}

export interface DeviceKnowledge {
	/** The account signed in on this device, if any. */
	account: string | null;
	/** That account's License list copy, in the list's order. */
	storeLicenses: readonly StoreLicense[];
	/** The licenses activated on this device (an emergency license is not: it waits for the real one). */
	held: ReadonlySet<string>;
	deviceId: string;
	lastRequest: KnownRequest | null;
}

/** Whether a License list entry is worth asking for here: usable, not here yet, a seat free, no "R". */
function wanted(license: StoreLicense, knowledge: DeviceKnowledge): boolean {
	return (
		license.status !== 'expired' &&
		license.deferredAllowed &&
		license.seatsUsed < license.seats &&
		!knowledge.held.has(license.number) &&
		!license.devices.some((device) => device.deviceId === knowledge.deviceId)
	);
}

export function suggestRequest(knowledge: DeviceKnowledge): RequestSuggestion {
	const email = knowledge.account ?? knowledge.lastRequest?.email ?? '';
	const fromList = knowledge.storeLicenses
		.filter((license) => wanted(license, knowledge))
		.map((l) => l.number);
	if (fromList.length > 0)
		return { licenseNumbers: fromList.slice(0, MAX_REQUEST_LICENSES), email, numbersFrom: 'license-list' };
	const fromLast = (knowledge.lastRequest?.licenseNumbers ?? []).filter(
		(number) => !knowledge.held.has(number)
	);
	return fromLast.length > 0
		? { licenseNumbers: fromLast, email, numbersFrom: 'last-request' }
		: { licenseNumbers: [], email, numbersFrom: null };
}

/** The last request this device generated, if its stored row still reads as one. */
export async function readLastRequest(core: Core): Promise<KnownRequest | null> {
	const row = await core.storage.transaction('r', ['settings'], (tx) =>
		tx.get('settings', LAST_REQUEST_SETTING)
	);
	const value: unknown = row?.value;
	if (typeof value !== 'object' || value === null) return null;
	// Read back from IndexedDB, so checked like typed input: a damaged row suggests nothing.
	const numbers = checkLicenseNumbers((value as { licenseNumbers?: unknown }).licenseNumbers);
	const email = checkEmail((value as { email?: unknown }).email);
	return numbers.ok && email.ok ? { licenseNumbers: numbers.value, email: email.value } : null;
}

/** What the Deferred Activation form starts with on this device. */
export async function readRequestSuggestion(core: Core): Promise<RequestSuggestion> {
	const account = await signedInAccount(core.storage);
	const [copy, licenses, lastRequest] = await Promise.all([
		readStoreCopy(core.storage, account),
		readLicenses(core.storage),
		readLastRequest(core)
	]);
	return suggestRequest({
		account,
		storeLicenses: copy.licenses,
		held: new Set(licenses.flatMap((row) => (row.kind === 'emergency' ? [] : [row.licenseNumber]))),
		deviceId: core.identity.deviceId,
		lastRequest
	});
}
