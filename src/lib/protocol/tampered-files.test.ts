// Structured tampering of signed files, beyond random bytes (hostile-input.test.ts): a swapped
// algorithm or key id, re-encoded signatures and keys, edited, duplicated, dropped or reordered
// fields, the other file type's armour. None of it may be accepted, and nothing may throw.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_TIME } from '../../../tests/fixtures/protocol-builders.js';
import { testDevice, testTrustedKeys } from '../../../tests/fixtures/test-keys.js';
import { verifyLicenseFile } from './license-file.js';
import { parseRegFile } from './reg-file.js';

const golden = (name: string) =>
	readFileSync(new URL(`../../../tests/fixtures/golden/${name}`, import.meta.url), 'utf8');
const regFile = golden('reg.txt');
const licenseFile = golden('SRV-5BQ7-MKXD-3H99.license4d');
const options = { trustedKeys: testTrustedKeys, devicePublicKey: testDevice.publicKey, now: EXAMPLE_TIME };
const RUNS = 2500;
const SEED = 20261129;

/** base64url → standard base64 with padding: the same bytes, another encoding. */
function toStandardBase64(value: string): string {
	return Buffer.from(value, 'base64url').toString('base64');
}

type Edit = (lines: string[], at: number, token: string) => string[];

/** Each edit changes what the signed block says or how it is encoded. */
const EDITS: Record<string, Edit> = {
	'swap algorithm': (lines, _at, token) =>
		lines.map((line) => (line.startsWith('Algorithm: ') ? `Algorithm: ${token}` : line)),
	'swap key id': (lines, at) =>
		lines.map((line) =>
			line.startsWith('Key-Id: ')
				? `Key-Id: ${(at * 2654435761).toString(16).padStart(16, '0').slice(-16)}`
				: line
		),
	're-encode the signature as base64': (lines) =>
		lines.map((line) =>
			line.startsWith('Signature: ') ? `Signature: ${toStandardBase64(line.slice(11))}` : line
		),
	're-encode the device key as base64': (lines) =>
		lines.map((line) =>
			line.startsWith('Device-Key: ') ? `Device-Key: ${toStandardBase64(line.slice(12))}` : line
		),
	'change one field value': (lines, at, token) =>
		lines.map((line, i) => {
			const colon = line.indexOf(': ');
			return i === at && colon > 0 && !line.startsWith('-----')
				? `${line.slice(0, colon + 2)}${token}`
				: line;
		}),
	'upper-case one field value': (lines, at) =>
		lines.map((line, i) =>
			i === at && /[a-z]/.test(line.slice(line.indexOf(': ') + 2)) && line.includes(': ')
				? line.slice(0, line.indexOf(': ') + 2) + line.slice(line.indexOf(': ') + 2).toUpperCase()
				: line
		),
	'duplicate a field': (lines, at) =>
		lines[at]?.includes(': ') ? [...lines.slice(0, at + 1), lines[at]!, ...lines.slice(at + 1)] : lines,
	'drop a field': (lines, at) => (lines[at]?.includes(': ') ? lines.filter((_, i) => i !== at) : lines),
	'swap two fields': (lines, at) => {
		const next = lines.findIndex((line, i) => i > at && line.includes(': '));
		if (!lines[at]?.includes(': ') || next < 0) return lines;
		const copy = [...lines];
		[copy[at], copy[next]] = [copy[next]!, copy[at]!];
		return copy;
	},
	'the other file type’s armour': (lines) =>
		lines.map((line) =>
			line.includes('AIRLOCK LICENSE')
				? line.replace('AIRLOCK LICENSE', 'AIRLOCK REQUEST')
				: line.replace('AIRLOCK REQUEST', 'AIRLOCK LICENSE')
		)
};

const tokens = fc.oneof(
	fc.constantFrom('ed25519', 'EdDSA', 'Ed448', 'none', 'RS256', 'HS256', '', 'Ed25519 ', ' Ed25519'),
	fc.string({ maxLength: 20 })
);

/** A tampered copy of `valid` and the name of the edit that made it (for the failure message). */
function tampered(valid: string) {
	const lines = valid.split('\n');
	const begin = lines.findIndex((line) => line.startsWith('-----BEGIN'));
	const end = lines.findIndex((line) => line.startsWith('-----END'));
	return fc
		.tuple(fc.constantFrom(...Object.keys(EDITS)), fc.integer({ min: begin + 1, max: end - 1 }), tokens)
		.map(([name, at, token]) => ({ name, text: EDITS[name]!(lines, at, token).join('\n') }))
		.filter(({ text }) => text !== valid);
}

describe('tampered signed files', () => {
	it(`license files: ${RUNS} structured tamperings, none accepted, none throws`, async () => {
		let refused = 0;
		await fc.assert(
			fc.asyncProperty(tampered(licenseFile), async ({ name, text }) => {
				const result = await verifyLicenseFile(text, options);
				expect(result.ok, name).toBe(false);
				if (!result.ok) expect(result.error.code).toMatch(/^license_/);
				refused++;
			}),
			{ numRuns: RUNS, seed: SEED }
		);
		expect(refused).toBe(RUNS);
	});

	it(`reg.txt: ${RUNS} structured tamperings, none accepted, none throws`, async () => {
		let refused = 0;
		await fc.assert(
			fc.asyncProperty(tampered(regFile), async ({ name, text }) => {
				const result = await parseRegFile(text);
				expect(result.ok, name).toBe(false);
				if (!result.ok) expect(result.error.code).toMatch(/^request_/);
				refused++;
			}),
			{ numRuns: RUNS, seed: SEED }
		);
		expect(refused).toBe(RUNS);
	});

	it('the untampered files are accepted (the properties above test something)', async () => {
		expect((await verifyLicenseFile(licenseFile, options)).ok).toBe(true);
		expect((await parseRegFile(regFile)).ok).toBe(true);
	});
});
