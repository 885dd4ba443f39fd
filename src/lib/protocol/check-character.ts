// The alphabet and check character shared by license numbers and device ids.
//
// 31 symbols (a prime number of them): digits 2–9 and the letters without I, O and U, so nothing reads
// as another character (0/O, 1/I/L stays distinct from the missing 1) or spells a word by accident.
// The check character c makes Σ (i · value(char_i)) ≡ 0 (mod 31) over the characters at positions
// i = 1…n (c last). Weights are distinct and non-zero modulo a prime, so every single substitution
// (w·(a−b) ≢ 0) and every swap of two neighbours ((a−b)·(w_i − w_i+1) = ±(a−b) ≢ 0) changes the sum:
// both are always caught, for strings of up to 30 characters.

export const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTVWXYZ';
export const MODULUS = ALPHABET.length; // 31

export function symbolValue(char: string): number {
	return ALPHABET.indexOf(char);
}

function weightedSum(chars: string): number {
	let sum = 0;
	for (let i = 0; i < chars.length; i++) sum = (sum + (i + 1) * symbolValue(chars[i]!)) % MODULUS;
	return sum;
}

function inverse(value: number): number {
	for (let x = 1; x < MODULUS; x++) if ((value * x) % MODULUS === 1) return x;
	throw new RangeError(`${value} has no inverse modulo ${MODULUS}`);
}

/** The check character to append to `chars` (all from ALPHABET). */
export function checkCharacterFor(chars: string): string {
	const weight = chars.length + 1;
	const value = (MODULUS - ((weightedSum(chars) * inverse(weight % MODULUS)) % MODULUS)) % MODULUS;
	return ALPHABET[value]!;
}

/** Whether `chars` (all from ALPHABET) ends with a correct check character. */
export function hasValidCheckCharacter(chars: string): boolean {
	return chars.length >= 2 && weightedSum(chars) === 0;
}

/** The index of the first character of `chars` that is not in ALPHABET, or -1. */
export function firstInvalidSymbol(chars: string): number {
	for (let i = 0; i < chars.length; i++) if (symbolValue(chars[i]!) < 0) return i;
	return -1;
}

/** Symbols drawn uniformly from ALPHABET (rejection sampling: no bias towards low values). */
export function randomSymbols(count: number, random: (length: number) => Uint8Array): string {
	let out = '';
	while (out.length < count) {
		for (const byte of random(count * 2)) {
			// 248 = 8 × 31: bytes at or above it would favour the first symbols.
			if (byte < 248 && out.length < count) out += ALPHABET[byte % MODULUS]!;
		}
	}
	return out;
}
