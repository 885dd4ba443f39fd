// What an applied Instant Activation or Refresh brings: license files to verify and store, and
// licenses this device may no longer use. Both operation types answer the same way, and within a
// batch a later file supersedes an earlier revocation of the same license (and the reverse), so
// they are handled together, in queue order.
import type { IssuedLicense, RevokedLicense } from '$lib/protocol/api.js';
import type { Core } from '../../core.js';
import { applyRevocationsIn, prepareIssued } from '../../licenses/license-store.js';
import type { TrustedKeys } from '$lib/protocol/vendor-keys.js';
import { markReportedIn } from '../../workflows/deactivation.js';
import type { ResultModule } from './result-module.js';

export const licenseFiles: ResultModule<'instant-activation' | 'refresh'> = {
	async prepare(core: Core, applied, trustedKeys: () => Promise<TrustedKeys>) {
		const files: IssuedLicense[] = [];
		const revocations = new Map<string, RevokedLicense>();
		for (const { result } of applied) {
			for (const file of result.licenses) {
				files.push(file);
				revocations.delete(file.licenseNumber);
			}
			for (const revoked of result.revoked) revocations.set(revoked.licenseNumber, revoked);
		}
		const issued =
			files.length > 0
				? await prepareIssued(files, {
						trustedKeys: await trustedKeys(),
						devicePublicKey: core.identity.signer.publicKey,
						now: core.clock.now()
					})
				: null;
		return async (tx) => {
			if (issued) await issued.store(tx);
			if (revocations.size === 0) return;
			await applyRevocationsIn(tx, [...revocations.values()]);
			// A seat released on the server: a deactivation this device made is reported, whichever way
			// its statement got there.
			const released = [...revocations.values()].filter((entry) => entry.reason === 'seat_released');
			await markReportedIn(
				tx,
				released.map((entry) => ({ licenseNumber: entry.licenseNumber, outcome: 'already' as const })),
				core.clock.now()
			);
		};
	}
};
