// Deferred Activation on the offline device: the signed request out (reg.txt and its QR code), the
// license files back in (verified before anything is stored, stored only when the user confirms).
import { fileOpen, fileSave } from 'browser-fs-access';
import QRCode from 'qrcode';
import { normalizeEmail } from '$lib/protocol/fields';
import { LICENSE_FILE_EXTENSION, type SignedLicense } from '$lib/protocol/license-file';
import { parseLicenseNumber, type LicenseNumberError } from '$lib/protocol/license-number';
import { requestQrUrl } from '$lib/protocol/qr-payload';
import { createRegistrationRequest, formatRegFile } from '$lib/protocol/reg-file';
import {
	decideAgainstStored,
	fileSizeError,
	verifyIncoming,
	type ImportError
} from './licenses/import-decision';
import { importLicense, type ImportResult } from './licenses/license-store';
import type { LicenseManager } from './license-manager';
import { loadTrustedKeys } from './trusted-keys';

export interface GeneratedRequest {
	regFile: string;
	portalUrl: string;
	qrUrl: string;
	qrSvg: string;
	licenseNumbers: string[];
	email: string;
}

export type NumbersCheck =
	{ ok: true; numbers: string[] } | { ok: false; line: number; error: LicenseNumberError };

/** License numbers typed one per line (or separated by commas); blank lines are ignored. */
export function parseLicenseNumbers(text: string): NumbersCheck {
	const numbers: string[] = [];
	const lines = text.split(/[\n,;]+/);
	for (let i = 0; i < lines.length; i++) {
		if (!lines[i]!.trim()) continue;
		const parsed = parseLicenseNumber(lines[i]!);
		if (!parsed.ok) return { ok: false, line: numbers.length + 1, error: parsed.error };
		if (!numbers.includes(parsed.licenseNumber)) numbers.push(parsed.licenseNumber);
	}
	if (numbers.length === 0)
		return {
			ok: false,
			line: 1,
			error: { code: 'license_number_empty', message: 'Enter at least one license number.' }
		};
	return { ok: true, numbers };
}

export async function generateRequest(
	manager: LicenseManager,
	input: { licenseNumbers: string[]; email: string; origin: string }
): Promise<GeneratedRequest> {
	const request = await createRegistrationRequest({
		purpose: 'activate',
		licenseNumbers: input.licenseNumbers,
		email: normalizeEmail(input.email),
		signer: manager.identity.signer,
		now: Date.now()
	});
	const portalUrl = `${input.origin}/portal`;
	const qrUrl = requestQrUrl(request, portalUrl);
	const generated: GeneratedRequest = {
		regFile: formatRegFile(request, portalUrl),
		portalUrl,
		qrUrl,
		qrSvg: await QRCode.toString(qrUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }),
		licenseNumbers: request.licenseNumbers,
		email: request.email
	};
	await manager.db.settings.put({ key: 'lastDeferredRequest', value: generated });
	return generated;
}

/** Saves reg.txt: the File System Access save picker where the browser has it, a download otherwise. */
export async function saveRegFile(generated: GeneratedRequest): Promise<void> {
	await fileSave(new Blob([generated.regFile], { type: 'text/plain' }), {
		fileName: 'reg.txt',
		extensions: ['.txt']
	});
}

export interface LoadedFile {
	name: string;
	outcome: { ok: true; license: SignedLicense; text: string } | { ok: false; error: ImportError };
}

/** Reads and verifies license files; nothing is stored yet. */
export async function checkFiles(manager: LicenseManager, files: File[]): Promise<LoadedFile[]> {
	const trustedKeys = await loadTrustedKeys(manager.db);
	const loaded: LoadedFile[] = [];
	for (const file of files) {
		const tooLarge = fileSizeError(file.size);
		if (tooLarge) {
			loaded.push({ name: file.name, outcome: { ok: false, error: tooLarge } });
			continue;
		}
		let text: string;
		try {
			text = await file.text();
		} catch {
			loaded.push({
				name: file.name,
				outcome: {
					ok: false,
					error: {
						code: 'file_unreadable',
						message: `${file.name} could not be read. Copy it again and retry.`
					}
				}
			});
			continue;
		}
		const outcome = await verifyIncoming(text, {
			trustedKeys,
			devicePublicKey: manager.identity.signer.publicKey,
			now: Date.now()
		});
		if (outcome.ok) {
			// Compared with what the device holds, and with the files already in this load.
			const earlier = loaded.find(
				(l) => l.outcome.ok && l.outcome.license.licenseNumber === outcome.license.licenseNumber
			);
			const row = await manager.db.licenses.get(outcome.license.licenseNumber);
			const existing =
				earlier?.outcome.ok === true
					? {
							licenseNumber: earlier.outcome.license.licenseNumber,
							kind: earlier.outcome.license.kind,
							issuedAt: earlier.outcome.license.issuedAt
						}
					: row
						? { licenseNumber: row.licenseNumber, kind: row.kind, issuedAt: row.issuedAt }
						: null;
			const refusal = decideAgainstStored(outcome.license, existing);
			if (refusal) {
				loaded.push({ name: file.name, outcome: { ok: false, error: refusal } });
				continue;
			}
		}
		loaded.push({ name: file.name, outcome });
	}
	return loaded;
}

/** The Load… button: the File System Access open picker, or the file input fallback. */
export async function pickLicenseFiles(): Promise<File[]> {
	try {
		return await fileOpen({
			multiple: true,
			extensions: [LICENSE_FILE_EXTENSION],
			description: 'License files'
		});
	} catch (error) {
		if (error instanceof DOMException && error.name === 'AbortError') return []; // the user closed the picker
		throw error;
	}
}

/** Stores the confirmed files; each is checked again against what the device holds now. */
export async function storeConfirmed(manager: LicenseManager, files: LoadedFile[]): Promise<ImportResult[]> {
	const context = {
		trustedKeys: await loadTrustedKeys(manager.db),
		devicePublicKey: manager.identity.signer.publicKey,
		now: Date.now()
	};
	const results: ImportResult[] = [];
	for (const file of files)
		if (file.outcome.ok) results.push(await importLicense(manager.db, file.outcome.text, context, file.name));
	return results;
}
