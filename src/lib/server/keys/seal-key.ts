// The server's key-agreement key for sealed authorizations, derived once per signing key (the same
// on every node holding that key: protocol/sealed-authorization.ts), and its published form.
import type { PublishedSealKey } from '$lib/protocol/vendor-keys';
import { publishSealKey } from '$lib/protocol/seal-key';
import { deriveSealKeyPair, type SealKeyPair } from '$lib/protocol/sealed-authorization';
import type { LicenseSigner } from '../activation/license-issuer';
import type { VendorSigningKey } from './signing-keys.service';

const derived = new WeakMap<LicenseSigner, Promise<SealKeyPair>>();
const published = new WeakMap<VendorSigningKey, Promise<PublishedSealKey>>();

export function sealKeyPair(signer: LicenseSigner): Promise<SealKeyPair> {
	let pair = derived.get(signer);
	if (!pair) derived.set(signer, (pair = deriveSealKeyPair(signer)));
	return pair;
}

/** The `seal` entry of GET /api/v1/keys. */
export function publishedSealKey(signer: VendorSigningKey): Promise<PublishedSealKey> {
	let entry = published.get(signer);
	if (!entry)
		published.set(signer, (entry = sealKeyPair(signer).then((pair) => publishSealKey(pair, signer))));
	return entry;
}
