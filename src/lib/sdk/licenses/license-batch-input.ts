// A vendor's program may be handed the portal's batch QR code (several licenses in one code, or one
// part of a sequence) where a license file is expected: each license in it is imported on its own,
// named after the code it came in. A damaged code is one refusal, never a throw.
import {
	LICENSE_BATCH_QR_PREFIX,
	parseLicenseBatchQr,
	type LicenseBatchError
} from '$lib/protocol/qr-payload.js';
import type { IncomingFile } from './license-store.js';

export type ExpandedInput = IncomingFile | { source: string; error: LicenseBatchError };

export function expandLicenseBatches(files: readonly IncomingFile[]): ExpandedInput[] {
	return files.flatMap((file): ExpandedInput[] => {
		const text = file.text.trim();
		if (!text.startsWith(LICENSE_BATCH_QR_PREFIX)) return [file];
		const parsed = parseLicenseBatchQr(text);
		if (!parsed.ok) return [{ source: file.source, error: parsed.error }];
		const { licenseTexts, part, parts } = parsed.batch;
		const code = parts > 1 ? `${file.source} (part ${part} of ${parts})` : file.source;
		return licenseTexts.map((licenseText, i) => ({
			text: licenseText,
			source: licenseTexts.length > 1 ? `${code}, license ${i + 1} of ${licenseTexts.length}` : code
		}));
	});
}
