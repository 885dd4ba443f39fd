// Device ids: a short, readable name for a device's Ed25519 public key that a person can read out
// over the phone: `XXXX-XXXX-XXXX`, eleven symbols from the first 8 bytes of SHA-512(public key)
// and a check character (check-character.ts), so a misheard symbol is caught.
import {
	ALPHABET,
	MODULUS,
	checkCharacterFor,
	firstInvalidSymbol,
	hasValidCheckCharacter
} from './check-character';
import { sha512 } from './bytes';
import { PUBLIC_KEY_BYTES } from './ed25519';

const DERIVED_SYMBOLS = 11;
export const DEVICE_ID_PATTERN = /^[2-9A-HJ-NP-TV-Z]{4}-[2-9A-HJ-NP-TV-Z]{4}-[2-9A-HJ-NP-TV-Z]{4}$/;

/** The device id of an Ed25519 public key. */
export function deviceIdOf(publicKey: Uint8Array): string {
	if (publicKey.length !== PUBLIC_KEY_BYTES) throw new RangeError('a device public key has 32 bytes');
	const digest = sha512(publicKey);
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
