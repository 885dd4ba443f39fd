// Emergency codes kept on the device: each license's vendor-signed code, fetched once from the server
// by its owner and kept so it can be shown, printed or saved later with no network — for the day the
// server is out of reach and another, offline machine needs an Emergency Activation.
import type { ApiError } from '$lib/protocol/api.js';
import { emergencyCodeResponseSchema, type EmergencyCodeResponse } from '$lib/protocol/emergency-api.js';
import type { Core } from '../core.js';
import type { FileAccess } from '../platform/files.js';
import type { LicenseStorage } from '../platform/storage.js';
import { rememberEmergencyForbidden } from './emergency.js';

export const SETTING_PREFIX = 'emergencyCode:';

export type EmergencyCodeOutcome = { ok: true; code: EmergencyCodeResponse } | { ok: false; error: ApiError };

export async function storedEmergencyCode(
	storage: LicenseStorage,
	licenseNumber: string
): Promise<EmergencyCodeResponse | null> {
	const row = await storage.transaction('r', ['settings'], (tx) =>
		tx.get('settings', SETTING_PREFIX + licenseNumber)
	);
	const parsed = emergencyCodeResponseSchema.safeParse(row?.value);
	return parsed.success && parsed.data.licenseNumber === licenseNumber ? parsed.data : null;
}

/** The stored code, or the server's (then stored). Needs a session with the license's account. */
export async function getEmergencyCode(core: Core, licenseNumber: string): Promise<EmergencyCodeOutcome> {
	const stored = await storedEmergencyCode(core.storage, licenseNumber);
	if (stored) return { ok: true, code: stored };
	const answer = await core.api.emergencyCode(licenseNumber);
	if (answer.kind === 'unreachable')
		return {
			ok: false,
			error: {
				code: 'unreachable',
				message:
					'The activation server cannot be reached. Get the emergency code when this device is online: it is then kept here for later.'
			}
		};
	if (answer.kind === 'refused') {
		if (answer.error.code === 'emergency_not_allowed') {
			const { message } = answer.error;
			await core.storage.transaction('rw', ['settings'], (tx) =>
				rememberEmergencyForbidden(tx, licenseNumber, message)
			);
		}
		if (answer.error.code !== 'not_signed_in') return { ok: false, error: answer.error };
		return {
			ok: false,
			error: {
				code: 'not_signed_in',
				message:
					'Sign in with the account that owns this license (Instant Activation signs you in), then ask for the emergency code again.'
			}
		};
	}
	const code = answer.value;
	await core.storage.transaction('rw', ['settings'], (tx) =>
		tx.put('settings', { key: SETTING_PREFIX + licenseNumber, value: code })
	);
	return { ok: true, code };
}

export async function saveEmergencyCode(files: FileAccess, code: EmergencyCodeResponse): Promise<void> {
	await files.save(code.fileName, code.sheet, { extensions: ['.txt'], mimeType: 'text/plain' });
}
