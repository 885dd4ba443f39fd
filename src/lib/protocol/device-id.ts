// Device ids: a short, readable name for a device's Ed25519 public key that a person can read out
// over the phone: `XXXX-XXXX-XXXX`, eleven symbols from the first 8 bytes of SHA-512(public key)
// and a check character (check-character.ts), so a misheard symbol is caught.
import {
	ALPHABET,
	MODULUS,
	checkCharacterFor,
	firstInvalidSymbol,
	hasValidCheckCharacter
} from './check-character.js';
import { digestSha512 } from './bytes.js';
import { PUBLIC_KEY_BYTES } from './ed25519.js';

const DERIVED_SYMBOLS = 11;
export const DEVICE_ID_PATTERN = /^[2-9A-HJ-NP-TV-Z]{4}-[2-9A-HJ-NP-TV-Z]{4}-[2-9A-HJ-NP-TV-Z]{4}$/;

export function checkDeviceKeySize(publicKey: Uint8Array): void {
	if (publicKey.length !== PUBLIC_KEY_BYTES) throw new RangeError('a device public key has 32 bytes');
}

/** The device id of an Ed25519 public key, hashed without tweetnacl (sync-ids.ts has it synchronously). */
export async function computeDeviceId(publicKey: Uint8Array): Promise<string> {
	checkDeviceKeySize(publicKey);
	return deviceIdFromDigest(await digestSha512(publicKey));
}

/** The device id of a public key given SHA-512(public key). */
export function deviceIdFromDigest(digest: Uint8Array): string {
	// Big-endian unsigned value of the first 8 bytes, written in base 31, most significant symbol first.
	let value = 0n;
	for (let i = 0; i < 8; i++) value = (value << 8n) | BigInt(digest[i]!);
	let symbols = '';
	for (let i = 0; i < DERIVED_SYMBOLS; i++) {
		symbols = ALPHABET[Number(value % BigInt(MODULUS))]! + symbols;
		value /= BigInt(MODULUS);
	}
	const all = symbols + checkCharacterFor(symbols);
	return `${all.slice(0, 4)}-${all.slice(4, 8)}-${all.slice(8)}`;
}

/** Whether a typed device id is well formed (hyphens, spaces and case are forgiven). */
export function normalizeDeviceId(input: string): string | null {
	const symbols = input.toUpperCase().replace(/[\s-]+/g, '');
	if (
		symbols.length !== DERIVED_SYMBOLS + 1 ||
		firstInvalidSymbol(symbols) >= 0 ||
		!hasValidCheckCharacter(symbols)
	) {
		return null;
	}
	return `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8)}`;
}
