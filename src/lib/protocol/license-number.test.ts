import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALPHABET } from './check-character.js';
import {
	checkLicenseNumber,
	generateLicenseNumber,
	parseLicenseNumber,
	LICENSE_NUMBER_PATTERN
} from './license-number.js';

const symbol = fc.constantFrom(...ALPHABET.split(''));
const prefix = fc.array(symbol, { minLength: 3, maxLength: 3 }).map((chars) => chars.join(''));
const licenseNumber = fc
	.tuple(prefix, fc.uint8Array({ minLength: 64, maxLength: 64 }))
	.map(([p, bytes]) => generateLicenseNumber(p, (n) => bytes.slice(0, n).map((b) => b % 248)));

const symbolsOf = (number: string) => number.replaceAll('-', '');

describe('license numbers', () => {
	it('generates canonical numbers that parse back to themselves, with their product prefix', () => {
		fc.assert(
			fc.property(prefix, (p) => {
				const number = generateLicenseNumber(p);
				expect(number).toMatch(LICENSE_NUMBER_PATTERN);
				expect(parseLicenseNumber(number)).toEqual({ ok: true, licenseNumber: number, productPrefix: p });
			})
		);
	});

	it('forgives case, missing hyphens and spaces', () => {
		const number = generateLicenseNumber('SRV');
		const typed = ` ${symbolsOf(number).toLowerCase().slice(0, 7)} ${symbolsOf(number).toLowerCase().slice(7)} `;
		expect(checkLicenseNumber(typed)).toEqual({
			state: 'valid',
			licenseNumber: number,
			productPrefix: 'SRV'
		});
	});

	it('catches every single mistyped character', () => {
		fc.assert(
			fc.property(licenseNumber, fc.nat(14), symbol, (number, position, replacement) => {
				const symbols = symbolsOf(number);
				fc.pre(symbols[position] !== replacement);
				const typo = symbols.slice(0, position) + replacement + symbols.slice(position + 1);
				expect(checkLicenseNumber(typo).state).toBe('invalid');
			}),
			{ numRuns: 2000 }
		);
	});

	it('catches every swap of two neighbours and says which two when only one swap fits', () => {
		fc.assert(
			fc.property(licenseNumber, fc.nat(13), (number, position) => {
				const symbols = symbolsOf(number);
				fc.pre(symbols[position] !== symbols[position + 1]);
				const swapped =
					symbols.slice(0, position) +
					symbols[position + 1] +
					symbols[position] +
					symbols.slice(position + 2);
				const check = checkLicenseNumber(swapped);
				expect(check.state).toBe('invalid');
				if (check.state === 'invalid' && check.error.code === 'license_number_swapped_characters') {
					expect(check.error.positions).toEqual([position + 1, position + 2]);
				}
			}),
			{ numRuns: 2000 }
		);
	});

	it('points at a character that never appears in license numbers as soon as it is typed', () => {
		const check = checkLicenseNumber('SR0');
		expect(check).toMatchObject({
			state: 'invalid',
			error: { code: 'license_number_invalid_character', positions: [3] }
		});
		expect(check.state === 'invalid' && check.error.message).toContain('0 and 1');
	});

	it('reports incomplete, empty, too short and too long input', () => {
		expect(checkLicenseNumber('SRV-7K')).toEqual({ state: 'incomplete', typed: 5 });
		expect(parseLicenseNumber('')).toMatchObject({ ok: false, error: { code: 'license_number_empty' } });
		expect(parseLicenseNumber('SRV-7K')).toMatchObject({
			ok: false,
			error: { code: 'license_number_too_short' }
		});
		expect(parseLicenseNumber(generateLicenseNumber('SRV') + '2')).toMatchObject({
			ok: false,
			error: { code: 'license_number_too_long' }
		});
	});

	it('never throws on arbitrary text', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 40 }), (text) => {
				expect(['valid', 'invalid', 'incomplete']).toContain(checkLicenseNumber(text).state);
			}),
			{ numRuns: 2000 }
		);
	});

	it('refuses a product prefix outside the alphabet', () => {
		expect(() => generateLicenseNumber('S0V')).toThrow(RangeError);
	});
});
