// Emergency codes kept on the device: each license's vendor-signed code, fetched once from the server
// by its owner and kept so it can be shown, printed or saved later with no network — for the day the
// server is out of reach and another, offline machine needs an Emergency Activation.
import { fileSave } from 'browser-fs-access';
import type { ApiError } from '$lib/protocol/api';
import { emergencyCodeResponseSchema, type EmergencyCodeResponse } from '$lib/protocol/emergency-code';
import type { LicenseManagerDatabase } from './db/database';
import { rememberEmergencyForbidden } from './emergency';
import type { LicenseManager } from './manager';

const SETTING_PREFIX = 'emergencyCode:';

export type EmergencyCodeOutcome = { ok: true; code: EmergencyCodeResponse } | { ok: false; error: ApiError };

export async function storedEmergencyCode(
	db: LicenseManagerDatabase,
	licenseNumber: string
): Promise<EmergencyCodeResponse | null> {
	const parsed = emergencyCodeResponseSchema.safeParse(
		(await db.settings.get(SETTING_PREFIX + licenseNumber))?.value
	);
	return parsed.success && parsed.data.licenseNumber === licenseNumber ? parsed.data : null;
}

/** The stored code, or the server's (then stored). Needs a session with the license's account. */
export async function getEmergencyCode(
	manager: LicenseManager,
	licenseNumber: string
): Promise<EmergencyCodeOutcome> {
	const stored = await storedEmergencyCode(manager.db, licenseNumber);
	if (stored) return { ok: true, code: stored };
	const answer = await manager.api.emergencyCode(licenseNumber);
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
		if (answer.error.code === 'emergency_not_allowed')
			await rememberEmergencyForbidden(manager, licenseNumber, answer.error.message);
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
	await manager.db.settings.put({ key: SETTING_PREFIX + licenseNumber, value: answer.value });
	return { ok: true, code: answer.value };
}

/** The code as a QR code (SVG text); the QR library loads only when a code is shown. */
export async function emergencyCodeQrSvg(code: EmergencyCodeResponse): Promise<string> {
	const { default: QRCode } = await import('qrcode');
	return QRCode.toString(code.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

export async function saveEmergencyCode(code: EmergencyCodeResponse): Promise<void> {
	await fileSave(new Blob([code.sheet], { type: 'text/plain' }), {
		fileName: code.fileName,
		extensions: ['.txt']
	});
}
