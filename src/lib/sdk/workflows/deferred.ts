// Deferred Activation on the offline device: the signed request out (reg.txt and its QR code), the
// license files back in (verified before anything is stored, stored only when the user confirms).
import { normalizeEmail } from '$lib/protocol/fields.js';
import { LICENSE_FILE_EXTENSION, type SignedLicense } from '$lib/protocol/license-file.js';
import { parseLicenseNumber, type LicenseNumberError } from '$lib/protocol/license-number.js';
import { requestQrUrl } from '$lib/protocol/qr-payload.js';
import { createRegistrationRequest, formatRegFile } from '$lib/protocol/reg-file.js';
import {
	decideAgainstStored,
	fileSizeError,
	verifyIncoming,
	type ImportError,
	type StoredLicenseSummary
} from '../licenses/import-decision.js';
import { heldSummaries, storeVerified, type ImportResult } from '../licenses/license-store.js';
import type { Core } from '../core.js';
import type { FileAccess, PickedFile } from '../platform/files.js';
import { loadTrustedKeys } from '../trusted-keys.js';
import { knownRefusals, type WayRefusal } from './known-ways.js';

export interface GeneratedRequest {
	/** The reg.txt file's text. */
	regFile: string;
	/** The activation portal it is taken to. */
	portalUrl: string;
	/** The request as a QR code's text: the portal's address with the signed request in its fragment. */
	qrUrl: string;
	licenseNumbers: string[];
	email: string;
}

export const LAST_REQUEST_SETTING = 'lastDeferredRequest';

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

/**
 * The licenses the License list copy says cannot be activated by Deferred Activation ("R" licenses):
 * said before the request makes the trip, since the portal would refuse them.
 */
export function refusedForDeferred(core: Core, licenseNumbers: readonly string[]): Promise<WayRefusal[]> {
	return knownRefusals(core.storage, 'deferred', licenseNumbers);
}

/** A signed activation request for these licenses, as reg.txt and as a QR code's text; kept as the last one. */
export async function generateRequest(
	core: Core,
	input: { licenseNumbers: string[]; email: string }
): Promise<GeneratedRequest> {
	const request = await createRegistrationRequest({
		purpose: 'activate',
		licenseNumbers: input.licenseNumbers,
		email: normalizeEmail(input.email),
		signer: core.identity.signer,
		now: core.clock.now()
	});
	const { portalUrl } = core;
	const generated: GeneratedRequest = {
		regFile: formatRegFile(request, portalUrl),
		portalUrl,
		qrUrl: requestQrUrl(request, portalUrl),
		licenseNumbers: request.licenseNumbers,
		email: request.email
	};
	await core.storage.transaction('rw', ['settings'], (tx) =>
		tx.put('settings', { key: LAST_REQUEST_SETTING, value: generated })
	);
	return generated;
}

export const REG_FILE_NAME = 'reg.txt';

/** Saves reg.txt where the user says (the save picker, a download, or a path). */
export async function saveRegFile(files: FileAccess, generated: GeneratedRequest): Promise<void> {
	await files.save(REG_FILE_NAME, generated.regFile, { extensions: ['.txt'], mimeType: 'text/plain' });
}

export interface LoadedFile {
	name: string;
	outcome:
		| { ok: true; license: SignedLicense; text: string }
		/** `licenseNumber`: a genuine license refused against what the device holds (already loaded…). */
		| { ok: false; error: ImportError; licenseNumber?: string };
}

/** Reads and verifies license files; nothing is stored yet. */
export async function checkFiles(core: Core, files: PickedFile[]): Promise<LoadedFile[]> {
	const trustedKeys = await loadTrustedKeys(core.storage);
	const options = { trustedKeys, devicePublicKey: core.identity.signer.publicKey, now: core.clock.now() };
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
	const held: Map<string, StoredLicenseSummary> = await core.storage.transaction('r', ['licenses'], (tx) =>
		heldSummaries(tx, numbers)
	);
	return outcomes.map((outcome, i) => {
		const name = files[i]!.name;
		if (!outcome.ok) return { name, outcome };
		const { license } = outcome;
		const refusal = decideAgainstStored(license, held.get(license.licenseNumber) ?? null);
		if (refusal)
			return { name, outcome: { ok: false, error: refusal, licenseNumber: license.licenseNumber } };
		held.set(license.licenseNumber, {
			licenseNumber: license.licenseNumber,
			kind: license.kind,
			issuedAt: license.issuedAt
		});
		return { name, outcome };
	});
}

/** The Load… button: the platform's file picker, license files only. */
export function pickLicenseFiles(files: FileAccess): Promise<PickedFile[]> {
	return files.open({ multiple: true, extensions: [LICENSE_FILE_EXTENSION], description: 'License files' });
}

/**
 * Stores the confirmed files (verified when they were loaded); each is checked again against what
 * the device holds now, in one transaction.
 */
export async function storeConfirmed(core: Core, files: LoadedFile[]): Promise<ImportResult[]> {
	return storeVerified(
		core.storage,
		files.flatMap((file) =>
			file.outcome.ok ? [{ license: file.outcome.license, text: file.outcome.text, source: file.name }] : []
		),
		core.clock.now()
	);
}
