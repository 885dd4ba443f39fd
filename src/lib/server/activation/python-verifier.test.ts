// The Python verifier of examples/verify-python was written from docs/FORMATS.md alone: a second
// implementation of the license format, in another language. Here it checks files the server issues
// (its own issuing code and signing key, and the key set GET /api/v1/keys publishes), must refuse
// each kind of bad file with the documented reason code, and must give the same verdict as the
// TypeScript verifier on thousands of damaged files: where they differ, the spec or a verifier is wrong.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '$lib/protocol/base64url';
import { createDeactivationStatement, formatDeactivationFile } from '$lib/protocol/deactivation';
import { toHex } from '$lib/protocol/bytes';
import { signerFromKeyPair } from '$lib/protocol/ed25519';
import { formatTimestamp } from '$lib/protocol/fields';
import { parseLicenseFile, verifyLicenseFile, type VerifyOptions } from '$lib/protocol/license-file';
import { LICENSE_QR_PREFIX, licenseQrText, verifyLicenseQr } from '$lib/protocol/qr-payload';
import { createRegistrationRequest, type RegistrationRequest } from '$lib/protocol/reg-file';
import { deviceIdOf } from '$lib/protocol/sync-ids';
import { publishedKeySetSchema, trustedKeysFrom } from '$lib/protocol/vendor-keys';
import { otherTestDevice, testDevice } from '../../../../tests/fixtures/test-keys';
import { parseConfig } from '../config';
import type { License, Product } from '../db/schema';
import type { LicenseWithExpansions } from '../catalogue/licenses.repository';
import { openSigningKeys, rotateSigningKey, signerFromSeed } from '../keys/signing-keys.service';
import { openTestDatabase, type TestDatabase } from '../testing/databases';
import { issueLicenseFiles, type LicenseSigner } from './license-issuer';

// Debian's python3-nacl is installed for /usr/bin/python3 (.ci/run), not for a pyenv python3.
const PYTHON = '/usr/bin/python3';
const VERIFIER_DIR = fileURLToPath(new URL('../../../../examples/verify-python/', import.meta.url));
const VERIFIER = join(VERIFIER_DIR, 'verify_license.py');

const NOW = Date.UTC(2026, 10, 28, 17, 0, 0);
const DAY = 86_400_000;
const EMAIL = 'ada@example.com';
const SERVER_LICENSE = 'SRV-5BQ7-MKXD-3H99';
const CLIENT_EXPANSION = 'CLX-7K3M-Q9XP-R2TX';
const DEVICE_ID = deviceIdOf(testDevice.publicKey);
const OTHER_DEVICE_ID = deviceIdOf(otherTestDevice.publicKey);

const folder = mkdtempSync(join(tmpdir(), 'airlock-python-verifier-'));
const keysFile = join(folder, 'keys.json');
let database: TestDatabase;
let request: RegistrationRequest;
/** The server's key before rotation (published as verify-only) and after it (active). */
let retiredSigner: LicenseSigner;
let activeSigner: LicenseSigner;
let verifyOptions: Omit<VerifyOptions, 'now'>;

function product(code: string, name: string): Product {
	return { code, name, kind: code === 'SRV' ? 'application' : 'expansion', default_quantity: 1 };
}

function licenseRow(number: string, fields: Partial<License> = {}): License {
	return {
		number,
		product_code: number.slice(0, 3),
		account_id: 'account',
		seats: 1,
		quantity: 1,
		kind: 'standard',
		expires_at: null,
		renewal_days: null,
		deferred_allowed: 1,
		emergency_allowed: 1,
		parent_number: null,
		revision: 1,
		seats_in_use: 0,
		created_at: NOW,
		updated_at: NOW,
		...fields
	};
}

/** The server license with one client expansion, as the repository returns it. */
function entry(fields: Partial<License> = {}): LicenseWithExpansions {
	return {
		license: licenseRow(SERVER_LICENSE, fields),
		product: product('SRV', 'Airlock Server Edition'),
		expansions: [
			{
				license: licenseRow(CLIENT_EXPANSION, { quantity: 10, parent_number: SERVER_LICENSE }),
				product: product('CLX', 'Airlock Client Connections')
			}
		]
	};
}

/** Issues the files of `entry` with the server's issuing code; returns the main file's text. */
async function issue(signer: LicenseSigner, fields: Partial<License> = {}): Promise<string> {
	const [main] = await issueLicenseFiles(entry(fields), request, EMAIL, signer, NOW);
	return main!.file;
}

function write(name: string, text: string): string {
	const path = join(folder, name);
	writeFileSync(path, text);
	return path;
}

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
	const result = spawnSync(PYTHON, ['-B', VERIFIER, ...args], { encoding: 'utf8' });
	if (result.error) throw result.error;
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the verifier's command line on `text` and returns its verdict: 'valid' or the reason code. */
function pythonVerdict(
	text: string,
	{ deviceId = DEVICE_ID, now = NOW }: { deviceId?: string; now?: number } = {}
): string {
	const file = write(`${crypto.randomUUID()}.license4d`, text);
	const result = run([file, '--keys', keysFile, '--device-id', deviceId, '--now', formatTimestamp(now)]);
	const refused = /^refused: ([a-z_]+) \(/.exec(result.stdout);
	if (result.status === 0 && result.stdout.startsWith('valid: ')) return 'valid';
	if (result.status === 1 && refused) return refused[1]!;
	throw new Error(`unexpected verifier output (exit ${result.status}): ${result.stdout}${result.stderr}`);
}

beforeAll(async () => {
	database = await openTestDatabase('sqlite');
	const config = parseConfig({ DATA_DIR: database.location });
	const keys = await openSigningKeys(database.db, config, NOW - 30 * DAY, { revalidateMs: 0 });
	retiredSigner = await keys.current();
	const rotated = await rotateSigningKey(database.db, config, NOW - DAY);
	if (!rotated.ok) throw new Error(rotated.message);
	activeSigner = await keys.current();
	// The body of GET /api/v1/keys, as the route sends it.
	const published = await keys.keySet();
	writeFileSync(keysFile, JSON.stringify(published));
	expect(published.keys.map((key) => [key.kid, key.status])).toEqual([
		[activeSigner.kid, 'active'],
		[retiredSigner.kid, 'verify-only']
	]);
	verifyOptions = {
		trustedKeys: await trustedKeysFrom(publishedKeySetSchema.parse(published)),
		devicePublicKey: testDevice.publicKey
	};
	request = await createRegistrationRequest({
		purpose: 'activate',
		licenseNumbers: [SERVER_LICENSE],
		email: EMAIL,
		signer: signerFromKeyPair(testDevice),
		now: NOW
	});
});

afterAll(async () => {
	await database?.close();
	rmSync(folder, { recursive: true, force: true });
});

describe('the Python verifier (examples/verify-python) on files the server issues', () => {
	it('accepts the license file, its expansion file and its QR text on their device', async () => {
		const files = await issueLicenseFiles(entry(), request, EMAIL, activeSigner, NOW);
		expect(files.map((file) => file.fileName)).toEqual([
			`${SERVER_LICENSE}.license4d`,
			`${CLIENT_EXPANSION}.license4d`
		]);
		for (const { file } of files) expect(pythonVerdict(file)).toBe('valid');
		const parsed = parseLicenseFile(files[0]!.file);
		if (!parsed.ok) throw new Error(parsed.error.message);
		expect(pythonVerdict(`${licenseQrText(parsed.license)}\n`)).toBe('valid');

		const result = run([
			write('main.license4d', files[0]!.file),
			'--keys',
			keysFile,
			'--device-id',
			DEVICE_ID
		]);
		expect(result.status).toBe(0);
		expect(result.stdout).toBe(
			`valid: ${SERVER_LICENSE} (Airlock Server Edition, standard) on ${DEVICE_ID}, does not expire\n`
		);
		const byKey = ['--device-key', encodeBase64url(testDevice.publicKey)];
		expect(run([write('by-key.license4d', files[0]!.file), '--keys', keysFile, ...byKey]).status).toBe(0);
	});

	it('accepts a file signed by a retired key that is still published (verify-only)', async () => {
		expect(pythonVerdict(await issue(retiredSigner))).toBe('valid');
	});

	it('refuses a changed file: one field edited, one signature byte flipped', async () => {
		const text = await issue(activeSigner);
		expect(text).toContain('\nQuantity: 1\n');
		expect(pythonVerdict(text.replace('\nQuantity: 1\n', '\nQuantity: 2\n'))).toBe('license_bad_signature');
		expect(pythonVerdict(text.replace(`\nEmail: ${EMAIL}\n`, '\nEmail: eve@example.com\n'))).toBe(
			'license_bad_signature'
		);

		const signature = /\nSignature: ([A-Za-z0-9_-]{86})\n/.exec(text)![1]!;
		const bytes = decodeBase64url(signature)!;
		bytes[0]! ^= 0x01;
		const flipped = text.replace(signature, encodeBase64url(bytes));
		expect(flipped).not.toBe(text);
		expect(pythonVerdict(flipped)).toBe('license_bad_signature');
	});

	it('refuses a file for another device', async () => {
		const text = await issue(activeSigner);
		expect(pythonVerdict(text, { deviceId: OTHER_DEVICE_ID })).toBe('license_wrong_device');
		const byKey = ['--device-key', encodeBase64url(otherTestDevice.publicKey)];
		const result = run([write('other-device.license4d', text), '--keys', keysFile, ...byKey]);
		expect([result.status, result.stdout]).toEqual([
			1,
			`refused: license_wrong_device (issued to device ${DEVICE_ID})\n`
		]);
	});

	it('refuses a file signed by a key the vendor does not publish', async () => {
		const unpublished = signerFromSeed(new Uint8Array(32).fill(9));
		expect(pythonVerdict(await issue(unpublished))).toBe('license_unknown_key');
	});

	it('refuses an expired file, at its expiry and not a second before', async () => {
		const expiresAt = NOW + 10 * DAY;
		const text = await issue(activeSigner, { expires_at: expiresAt });
		expect(text).toContain(`\nExpires-At: ${formatTimestamp(expiresAt)}\n`);
		expect(pythonVerdict(text, { now: expiresAt - 1000 })).toBe('valid');
		expect(pythonVerdict(text, { now: expiresAt })).toBe('license_expired');
	});

	it('refuses a file issued more than 5 minutes in the future of its clock', async () => {
		const text = await issue(activeSigner);
		expect(pythonVerdict(text, { now: NOW - 300_000 })).toBe('valid');
		expect(pythonVerdict(text, { now: NOW - 301_000 })).toBe('license_issued_in_future');
	});

	it('checks in the documented order: an expired file of an unknown key is an unknown key', async () => {
		const unpublished = signerFromSeed(new Uint8Array(32).fill(9));
		const text = await issue(unpublished, { expires_at: NOW + DAY });
		expect(pythonVerdict(text, { now: NOW + 2 * DAY, deviceId: OTHER_DEVICE_ID })).toBe(
			'license_unknown_key'
		);
	});

	it('answers a usage error with exit status 2', () => {
		const file = write('usage.license4d', 'anything');
		expect(run([file, '--device-id', DEVICE_ID]).status).toBe(2);
		expect(run([file, '--keys', keysFile, '--device-id', 'FT3H-H2B7-Z7QW']).status).toBe(2);
		expect(
			run([file, '--keys', write('bad-keys.json', '{"keys": {}}'), '--device-id', DEVICE_ID]).status
		).toBe(2);
	});

	it('passes its own unit tests (golden files of docs/FORMATS.md §7, edges of the spec)', () => {
		const result = spawnSync(PYTHON, ['-B', '-m', 'unittest', 'discover', '-s', VERIFIER_DIR], {
			encoding: 'utf8'
		});
		expect(result.status, result.stderr).toBe(0);
	});
});

// Each text once through the Python module (one process for all), returning its verdicts.
const BATCH = `
import datetime as dt, json, sys
import verify_license as v
cases = json.load(sys.stdin)
keys = {kid: bytes.fromhex(key) for kid, key in cases["keys"].items()}
now = dt.datetime.fromtimestamp(cases["now"] / 1000, dt.timezone.utc)
device = bytes.fromhex(cases["device"])
verdicts = [v.verify(text, keys, device_key=device, now=now) for text in cases["texts"]]
json.dump(["valid" if r.valid else r.reason for r in verdicts], sys.stdout)
`;

describe('the Python verifier and the TypeScript verifier', () => {
	it('give the same verdict on every one-character change, line change and QR byte change', async () => {
		const file = await issue(activeSigner, { kind: 'temporary', expires_at: NOW + 30 * DAY });
		const parsed = parseLicenseFile(file);
		if (!parsed.ok) throw new Error(parsed.error.message);
		const texts = [file];
		const begin = file.indexOf('-----BEGIN');
		for (let i = begin; i < file.length; i++) {
			for (const other of ['', ' ', '\r', 'A', '0', '-', 'é', '\ufeff', '😀'])
				texts.push(file.slice(0, i) + other + file.slice(i + 1));
		}
		const lines = file.split('\n');
		for (let i = 0; i < lines.length; i++) {
			texts.push([...lines.slice(0, i), ...lines.slice(i + 1)].join('\n'));
			texts.push([...lines.slice(0, i + 1), ...lines.slice(i)].join('\n'));
			texts.push([...lines.slice(0, i), lines[i + 1] ?? '', lines[i], ...lines.slice(i + 2)].join('\n'));
		}
		const qr = licenseQrText(parsed.license);
		const payload = decodeBase64url(qr.slice(LICENSE_QR_PREFIX.length))!;
		for (let i = 0; i <= payload.length; i++) {
			texts.push(LICENSE_QR_PREFIX + encodeBase64url(payload.subarray(0, i)));
			for (const value of [0, 1, 3, 0x41, 0x80, 0xff, (payload[i] ?? 0) ^ 1]) {
				const changed = Uint8Array.from(payload);
				changed[i] = value;
				texts.push(LICENSE_QR_PREFIX + encodeBase64url(changed));
			}
		}

		const now = NOW + DAY;
		const input = JSON.stringify({
			texts,
			now,
			device: toHex(testDevice.publicKey),
			keys: Object.fromEntries(
				[...verifyOptions.trustedKeys].map(([kid, key]) => [kid, toHex(key.publicKey)])
			)
		});
		const batch = spawnSync(PYTHON, ['-B', '-c', BATCH], {
			cwd: VERIFIER_DIR,
			input,
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024
		});
		expect(batch.status, batch.stderr).toBe(0);
		const python: string[] = JSON.parse(batch.stdout);

		const options = { ...verifyOptions, now };
		const differences: string[] = [];
		const verdicts = new Set<string>();
		for (const [i, text] of texts.entries()) {
			// What the License Manager's Load does: a trimmed text starting with AIRLOCK:L1: is a QR text.
			const trimmed = text.trim();
			const result = trimmed.startsWith(LICENSE_QR_PREFIX)
				? await verifyLicenseQr(trimmed, options)
				: await verifyLicenseFile(text, options);
			const typescript = result.ok ? 'valid' : result.error.code;
			verdicts.add(typescript);
			if (python[i] !== typescript)
				differences.push(`${JSON.stringify(text)}: TypeScript ${typescript}, Python ${python[i]}`);
		}
		expect(differences).toEqual([]);
		expect(python).toHaveLength(texts.length);
		// The cases reach every step that a damaged file can fail.
		expect([...verdicts].sort()).toEqual([
			'license_bad_signature',
			'license_malformed',
			'license_not_a_license',
			'license_unknown_key',
			'license_unsupported_algorithm',
			'license_unsupported_version',
			'valid'
		]);
	});
});

/**
 * A deactivation statement's signature, checked in Python from docs/FORMATS.md §11 and §2 alone: the
 * signed bytes are the domain line and every field line before Signature; the key is Device-Key.
 */
const DEACTIVATION_CHECK = String.raw`
import base64, sys
from nacl.signing import VerifyKey
from nacl.exceptions import BadSignatureError
text = sys.stdin.read().replace('\r\n', '\n')
lines = text.split('\n')
begin = lines.index('-----BEGIN AIRLOCK DEACTIVATION-----')
end = lines.index('-----END AIRLOCK DEACTIVATION-----', begin)
fields = lines[begin + 1:end]
assert fields[0] == 'Format: airlock-deactivation/1', 'deactivation_unsupported_version'
names = [line.split(': ', 1)[0] for line in fields]
assert names == ['Format', 'License', 'Device-Id', 'Device-Key', 'License-Issued-At', 'Deactivated-At', 'Nonce', 'Algorithm', 'Signature'], 'deactivation_malformed'
value = dict(line.split(': ', 1) for line in fields)
b64 = lambda s: base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
signed = ('airlock/deactivation/v1\n' + ''.join(line + '\n' for line in fields[:-1])).encode('utf-8')
try:
    VerifyKey(b64(value['Device-Key'])).verify(signed, b64(value['Signature']))
    print('valid')
except BadSignatureError:
    print('deactivation_bad_signature')
`;

describe('a deactivation statement checked in Python (docs/FORMATS.md §11)', () => {
	it('verifies the statement the License Manager writes, and refuses it altered', async () => {
		const statement = await createDeactivationStatement({
			licenseNumber: SERVER_LICENSE,
			licenseIssuedAt: NOW - DAY,
			signer: signerFromKeyPair(testDevice),
			now: NOW
		});
		const text = formatDeactivationFile(statement, 'https://activation.example.com/portal');
		const verdict = (input: string) => {
			const result = spawnSync(PYTHON, ['-B', '-c', DEACTIVATION_CHECK], { input, encoding: 'utf8' });
			if (result.error) throw result.error;
			return result.stdout.trim();
		};
		expect(verdict(text)).toBe('valid');
		expect(verdict(text.replace(`License: ${SERVER_LICENSE}`, `License: ${CLIENT_EXPANSION}`))).toBe(
			'deactivation_bad_signature'
		);
		expect(verdict(text.replace(/Deactivated-At: 2026/, 'Deactivated-At: 2027'))).toBe(
			'deactivation_bad_signature'
		);
	});
});
