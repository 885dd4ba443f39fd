// One scanning session of Deferred Activation's way back: the camera reads the portal's codes (one
// license each, several in one code, or the parts of a sequence shown one after the other), each
// license is verified as it comes, and the session says when it has everything — every license of
// the request with the expansions they list, or every part of a sequence — so the page can stop the
// camera and store the licenses without a click.
import {
	LICENSE_BATCH_QR_PREFIX,
	LICENSE_QR_PREFIX,
	parseLicenseBatchQr,
	REQUEST_FRAGMENT_PREFIX,
	type LicenseBatchError
} from '$lib/protocol/qr-payload.js';
import type { Core } from '../core.js';
import type { PickedFile } from '../platform/files.js';
import { checkFiles, type LoadedFile } from './deferred.js';

export interface ScanSession {
	/** The request's license numbers, when the device knows which request is answered. */
	readonly expected: readonly string[];
	/** Every license read, verified or refused, in the order read. */
	readonly files: LoadedFile[];
	/** The license numbers read (verified, or genuine but refused against what the device holds). */
	readonly numbers: Set<string>;
	/** The parts seen of each sequence, by answer. */
	readonly parts: Map<string, { count: number; seen: Set<number> }>;
	/** License texts already read: a code seen again adds nothing. */
	readonly texts: Set<string>;
}

export function createScanSession(expected: readonly string[]): ScanSession {
	return { expected: [...expected], files: [], numbers: new Set(), parts: new Map(), texts: new Set() };
}

export type ScanStep =
	| {
			kind: 'read';
			/** The licenses this code added (none when it was read before). */
			added: LoadedFile[];
			complete: boolean;
			/** When complete: the request's numbers that did not come back. */
			missing: string[];
	  }
	| { kind: 'refused'; error: { code: 'scan_not_a_license' | LicenseBatchError['code']; message: string } };

/** The licenses still awaited: the request's numbers and the expansions of the licenses read. */
export function awaited(session: ScanSession): string[] {
	const listed = session.files.flatMap((file) => (file.outcome.ok ? file.outcome.license.expansions : []));
	return [...new Set([...session.expected, ...listed])].filter((number) => !session.numbers.has(number));
}

function isComplete(session: ScanSession, single: boolean): boolean {
	for (const { count, seen } of session.parts.values()) if (seen.size === count) return true;
	if (session.expected.length === 0) return single && session.numbers.size > 0;
	return awaited(session).length === 0;
}

/** Reads one QR code's text into the session. Never throws on what the code holds. */
export async function readScannedCode(core: Core, session: ScanSession, text: string): Promise<ScanStep> {
	const trimmed = text.trim();
	let licenseTexts: string[];
	const single = trimmed.startsWith(LICENSE_QR_PREFIX);
	if (!single && !trimmed.startsWith(LICENSE_BATCH_QR_PREFIX))
		return {
			kind: 'refused',
			error: {
				code: 'scan_not_a_license',
				message: trimmed.includes(REQUEST_FRAGMENT_PREFIX)
					? 'This QR code is a registration request, not a license. Scan the license QR code shown by the activation portal.'
					: 'This QR code is not an Airlock license. Scan the license QR code shown by the activation portal.'
			}
		};
	if (single) licenseTexts = [trimmed];
	else {
		const batch = parseLicenseBatchQr(trimmed);
		if (!batch.ok) return { kind: 'refused', error: batch.error };
		const { answerId, part, parts } = batch.batch;
		const known = session.parts.get(answerId) ?? { count: parts, seen: new Set<number>() };
		known.seen.add(part);
		session.parts.set(answerId, known);
		licenseTexts = batch.batch.licenseTexts;
	}
	const fresh = licenseTexts.filter((license) => !session.texts.has(license));
	for (const license of fresh) session.texts.add(license);
	const files: PickedFile[] = fresh.map((license) => ({
		name: '',
		size: license.length,
		text: () => Promise.resolve(license)
	}));
	const added = files.length ? await checkFiles(core, files) : [];
	// checkFiles compares each with the device and the files of its own call: a number already read
	// in this session (a second copy of it) is not stored twice.
	const kept = added.filter(
		(file) => !(file.outcome.ok && session.numbers.has(file.outcome.license.licenseNumber))
	);
	for (const file of kept) {
		const number = file.outcome.ok ? file.outcome.license.licenseNumber : file.outcome.licenseNumber;
		if (number) session.numbers.add(number);
		session.files.push(file);
	}
	const complete = isComplete(session, single);
	return {
		kind: 'read',
		added: kept,
		complete,
		missing: complete ? session.expected.filter((number) => !session.numbers.has(number)) : []
	};
}
