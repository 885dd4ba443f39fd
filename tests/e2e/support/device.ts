// A simulated License Manager device for API tests: its own key pair, signing real requests.
import { signerFromKeyPair } from '../../../src/lib/protocol/ed25519';
import { generateKeyPair } from '../../../src/lib/protocol/ed25519-tweetnacl';
import {
	createRegistrationRequest,
	formatRegFile,
	type RequestPurpose
} from '../../../src/lib/protocol/reg-file';
import { requestQrUrl } from '../../../src/lib/protocol/qr-payload';

export function newTestDevice() {
	const keyPair = generateKeyPair();
	const signer = signerFromKeyPair(keyPair);
	return {
		keyPair,
		async request(email: string, licenseNumbers: string[], purpose: RequestPurpose = 'activate') {
			return createRegistrationRequest({ purpose, licenseNumbers, email, signer, now: Date.now() });
		},
		async regFile(email: string, licenseNumbers: string[], purpose: RequestPurpose = 'activate') {
			return formatRegFile(
				await this.request(email, licenseNumbers, purpose),
				`${process.env.E2E_BASE_URL}/portal`
			);
		},
		async qrUrl(email: string, licenseNumbers: string[]) {
			return requestQrUrl(await this.request(email, licenseNumbers), `${process.env.E2E_BASE_URL}/portal`);
		}
	};
}
