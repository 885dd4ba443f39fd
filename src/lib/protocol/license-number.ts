// License numbers: `PPP-XXXX-XXXX-XXXC` — a three-symbol product prefix, eleven random symbols and a
// check character over all fourteen (see check-character.ts). Hyphens and spaces are optional on input
// and letters may be typed in lower case; the canonical form is upper case with the three hyphens.
import {
	ALPHABET,
	checkCharacterFor,
	firstInvalidSymbol,
	hasValidCheckCharacter,
	randomSymbols
} from './check-character.js';
import { randomBytes } from './bytes.js';

export const PREFIX_LENGTH = 3;
export const RANDOM_LENGTH = 11;
/** Symbols in a license number, without hyphens. */
export const SYMBOL_COUNT = PREFIX_LENGTH + RANDOM_LENGTH + 1;
/** Length of the canonical form, with hyphens. */
export const LICENSE_NUMBER_LENGTH = SYMBOL_COUNT + 3;
export const LICENSE_NUMBER_PATTERN =
	/^[2-9A-HJ-NP-TV-Z]{3}-[2-9A-HJ-NP-TV-Z]{4}-[2-9A-HJ-NP-TV-Z]{4}-[2-9A-HJ-NP-TV-Z]{4}$/;

export type LicenseNumberErrorCode =
	| 'license_number_empty'
	| 'license_number_invalid_character'
	| 'license_number_too_short'
	| 'license_number_too_long'
	| 'license_number_swapped_characters'
	| 'license_number_check_failed';

export interface LicenseNumberError {
	code: LicenseNumberErrorCode;
	message: string;
	/** 1-based positions (counting symbols only, not hyphens) the error points at, when it can tell. */
	positions?: number[];
}

export type LicenseNumberCheck =
	| { state: 'valid'; licenseNumber: string; productPrefix: string }
	| { state: 'incomplete'; typed: number }
	| { state: 'invalid'; error: LicenseNumberError };

function describeCharacter(char: string): string {
	if (char === ' ') return 'a space';
	if ('01IOU'.includes(char))
		return `“${char}” (the digits 0 and 1 and the letters I, O and U are never used)`;
	return `“${char}”`;
}

/** Upper-cases and drops hyphens and white space: what a person may type between the symbols. */
export function normalizeLicenseNumberInput(input: string): string {
	return input.toUpperCase().replace(/[\s-]+/g, '');
}

export function formatLicenseNumber(symbols: string): string {
	return `${symbols.slice(0, 3)}-${symbols.slice(3, 7)}-${symbols.slice(7, 11)}-${symbols.slice(11)}`;
}

/** Finds the one swap of two neighbours that would make the number valid, if exactly one does. */
function findSwap(symbols: string): number | null {
	let found: number | null = null;
	for (let i = 0; i + 1 < symbols.length; i++) {
		if (symbols[i] === symbols[i + 1]) continue;
		const swapped = symbols.slice(0, i) + symbols[i + 1] + symbols[i] + symbols.slice(i + 2);
		if (hasValidCheckCharacter(swapped)) {
			if (found !== null) return null;
			found = i;
		}
	}
	return found;
}

/**
 * Checks a license number as it is being typed: `incomplete` while it could still become valid,
 * `invalid` with a specific reason as soon as it cannot, `valid` with the canonical form.
 */
export function checkLicenseNumber(input: string): LicenseNumberCheck {
	const symbols = normalizeLicenseNumberInput(input);
	if (symbols.length === 0) return { state: 'incomplete', typed: 0 };
	const bad = firstInvalidSymbol(symbols);
	if (bad >= 0) {
		return {
			state: 'invalid',
			error: {
				code: 'license_number_invalid_character',
				message: `Character ${bad + 1} is ${describeCharacter(symbols[bad]!)}, which license numbers do not contain. Check it against your license.`,
				positions: [bad + 1]
			}
		};
	}
	if (symbols.length > SYMBOL_COUNT) {
		return {
			state: 'invalid',
			error: {
				code: 'license_number_too_long',
				message: `A license number has ${SYMBOL_COUNT} characters (like ABC-DEFG-HJKM-NPQR); this one has ${symbols.length}.`
			}
		};
	}
	if (symbols.length < SYMBOL_COUNT) return { state: 'incomplete', typed: symbols.length };
	if (!hasValidCheckCharacter(symbols)) {
		const swap = findSwap(symbols);
		if (swap !== null) {
			return {
				state: 'invalid',
				error: {
					code: 'license_number_swapped_characters',
					message: `Characters ${swap + 1} and ${swap + 2} look swapped (“${symbols[swap]}${symbols[swap + 1]}” should probably be “${symbols[swap + 1]}${symbols[swap]}”).`,
					positions: [swap + 1, swap + 2]
				}
			};
		}
		return {
			state: 'invalid',
			error: {
				code: 'license_number_check_failed',
				message: 'This license number is not valid: a character is mistyped. Check it against your license.'
			}
		};
	}
	return { state: 'valid', licenseNumber: formatLicenseNumber(symbols), productPrefix: symbols.slice(0, 3) };
}

/** Parses a complete license number; an incomplete one is an error here. */
export function parseLicenseNumber(
	input: string
): { ok: true; licenseNumber: string; productPrefix: string } | { ok: false; error: LicenseNumberError } {
	const check = checkLicenseNumber(input);
	if (check.state === 'valid')
		return { ok: true, licenseNumber: check.licenseNumber, productPrefix: check.productPrefix };
	if (check.state === 'invalid') return { ok: false, error: check.error };
	return {
		ok: false,
		error:
			check.typed === 0
				? { code: 'license_number_empty', message: 'Enter a license number.' }
				: {
						code: 'license_number_too_short',
						message: `A license number has ${SYMBOL_COUNT} characters (like ABC-DEFG-HJKM-NPQR); this one has ${check.typed}.`
					}
	};
}

export function isProductPrefix(prefix: string): boolean {
	return prefix.length === PREFIX_LENGTH && firstInvalidSymbol(prefix) < 0;
}

/** A new random license number for a product prefix. */
export function generateLicenseNumber(
	productPrefix: string,
	random: (length: number) => Uint8Array = randomBytes
): string {
	if (!isProductPrefix(productPrefix)) {
		throw new RangeError(`a product prefix is ${PREFIX_LENGTH} characters from ${ALPHABET}`);
	}
	const body = productPrefix + randomSymbols(RANDOM_LENGTH, random);
	return formatLicenseNumber(body + checkCharacterFor(body));
}
