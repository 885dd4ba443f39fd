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
	type ImportError,
	type StoredLicenseSummary
} from './licenses/import-decision';
import { storeVerified, type ImportResult } from './licenses/license-store';
import type { LicenseManager } from './manager';
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
	const options = { trustedKeys, devicePublicKey: manager.identity.signer.publicKey, now: Date.now() };
	// Every file is read and verified at once (signature checks run side by side), then compared
	// in order with what the device holds and with the files before it in this load.
	const outcomes = await Promise.all(
		files.map(async (file): Promise<LoadedFile['outcome']> => {
			const tooLarge = fileSizeError(file.size);
			if (tooLarge) return { ok: false, error: tooLarge };
			let text: string;
			try {
				text = await file.text();
			} catch {
				return {
					ok: false,
					error: {
						code: 'file_unreadable',
						message: `${file.name} could not be read. Copy it again and retry.`
					}
				};
			}
			return verifyIncoming(text, options);
		})
	);
	const numbers = [...new Set(outcomes.flatMap((o) => (o.ok ? [o.license.licenseNumber] : [])))];
	const held = new Map<string, StoredLicenseSummary>();
	for (const row of await manager.db.licenses.bulkGet(numbers))
		if (row)
			held.set(row.licenseNumber, {
				licenseNumber: row.licenseNumber,
				kind: row.kind,
				issuedAt: row.issuedAt
			});
	return outcomes.map((outcome, i) => {
		const name = files[i]!.name;
		if (!outcome.ok) return { name, outcome };
		const { license } = outcome;
		const refusal = decideAgainstStored(license, held.get(license.licenseNumber) ?? null);
		if (refusal) return { name, outcome: { ok: false, error: refusal } };
		held.set(license.licenseNumber, {
			licenseNumber: license.licenseNumber,
			kind: license.kind,
			issuedAt: license.issuedAt
		});
		return { name, outcome };
	});
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

/**
 * Stores the confirmed files (verified when they were loaded); each is checked again against what
 * the device holds now, in one transaction.
 */
export async function storeConfirmed(manager: LicenseManager, files: LoadedFile[]): Promise<ImportResult[]> {
	return storeVerified(
		manager.db,
		files.flatMap((file) =>
			file.outcome.ok ? [{ license: file.outcome.license, text: file.outcome.text, source: file.name }] : []
		),
		Date.now()
	);
}
