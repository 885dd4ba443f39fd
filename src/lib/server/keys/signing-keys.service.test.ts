import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '$lib/protocol/base64url';
import { utf8 } from '$lib/protocol/bytes';
import { publishedKeySetSchema, trustedKeysFrom } from '$lib/protocol/vendor-keys';
import { keyIdOf } from '$lib/protocol/sync-ids';
import { parseConfig } from '../config';
import { describeEachDatabase } from '../testing/databases';
import {
	KEY_FILE_NAME,
	loadSigningKey,
	publishedKeys,
	rotateSigningKey,
	SigningKeyFileError,
	signerFromSeed
} from './signing-keys.service';

const T0 = 1_750_000_000_000;
const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function freshConfig(env: Record<string, string> = {}) {
	const dataDir = mkdtempSync(join(tmpdir(), 'airlock-keys-'));
	folders.push(dataDir);
	return parseConfig({ DATA_DIR: dataDir, ...env });
}

describe('signerFromSeed', () => {
	it("signs exactly as tweetnacl does for the same seed, under the seed's key id", async () => {
		for (let i = 0; i < 5; i++) {
			const seed = nacl.randomBytes(32);
			const pair = nacl.sign.keyPair.fromSeed(seed);
			const signer = signerFromSeed(seed);
			expect(signer.publicKey).toEqual(pair.publicKey);
			expect(signer.kid).toBe(keyIdOf(pair.publicKey));
			for (const message of [new Uint8Array(0), utf8(`license/v1 message ${i}`), nacl.randomBytes(1000)]) {
				expect(await signer.sign(message)).toEqual(nacl.sign.detached(message, pair.secretKey));
			}
		}
	});

	it('exposes no private material', () => {
		const seed = nacl.randomBytes(32);
		const signer = signerFromSeed(seed);
		const text = JSON.stringify(signer);
		expect(text).not.toContain(encodeBase64url(seed));
		expect(Object.keys(signer).sort()).toEqual(['kid', 'publicKey', 'sign', 'source']);
	});
});

describeEachDatabase('signing keys', (getDb) => {
	it('creates the key file on first start (mode 0600) and loads the same key afterwards', async () => {
		const db = getDb();
		const config = freshConfig();
		const key = await loadSigningKey(db, config, T0);
		const path = join(config.dataDir, KEY_FILE_NAME);
		expect(statSync(path).mode & 0o777).toBe(0o600);
		const again = await loadSigningKey(db, config, T0 + 1);
		expect(again.kid).toBe(key.kid);
		expect(again.source).toBe('file');
		const published = publishedKeySetSchema.parse(await publishedKeys(db));
		expect(published.keys[0]).toEqual({
			kid: key.kid,
			alg: 'Ed25519',
			publicKey: encodeBase64url(key.publicKey),
			status: 'active',
			createdAt: new Date(T0).toISOString()
		});
		expect(published.keys.filter((k) => k.status === 'active')).toHaveLength(1);
	});

	it('rotates: a new active key, the old one kept as verify-only (public part only)', async () => {
		const db = getDb();
		const config = freshConfig();
		const before = await loadSigningKey(db, config, T0);
		const message = utf8('signed before rotation');
		const oldSignature = await before.sign(message);
		const rotated = await rotateSigningKey(db, config, T0 + 1000);
		if (!rotated.ok) throw new Error(rotated.message);
		expect(rotated.previousKid).toBe(before.kid);
		const after = await loadSigningKey(db, config, T0 + 2000);
		expect(after.kid).toBe(rotated.kid);
		expect(after.kid).not.toBe(before.kid);

		const published = publishedKeySetSchema.parse(await publishedKeys(db));
		expect(published.keys.find((k) => k.kid === after.kid)?.status).toBe('active');
		expect(published.keys.find((k) => k.kid === before.kid)?.status).toBe('verify-only');
		expect(published.keys.filter((k) => k.status === 'active')).toHaveLength(1);
		expect(published.keys[0]?.kid).toBe(after.kid);
		const trusted = await trustedKeysFrom(published);
		expect(nacl.sign.detached.verify(message, oldSignature, trusted.get(before.kid)!.publicKey)).toBe(true);

		const file = JSON.parse(readFileSync(join(config.dataDir, KEY_FILE_NAME), 'utf8'));
		expect(file.retired).toEqual([
			{ kid: before.kid, publicKey: encodeBase64url(before.publicKey), createdAt: T0, retiredAt: T0 + 1000 }
		]);
		expect(statSync(join(config.dataDir, KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
	});

	it('uses SIGNING_KEY when set, and refuses to rotate it', async () => {
		const db = getDb();
		const seed = nacl.randomBytes(32);
		const config = freshConfig({ SIGNING_KEY: encodeBase64url(seed) });
		const key = await loadSigningKey(db, config, T0);
		expect(key.source).toBe('environment');
		expect(key.kid).toBe(keyIdOf(nacl.sign.keyPair.fromSeed(seed).publicKey));
		expect(() => statSync(join(config.dataDir, KEY_FILE_NAME))).toThrow();
		expect(await rotateSigningKey(db, config, T0)).toMatchObject({ ok: false, code: 'key_from_environment' });
		const published = await publishedKeys(db);
		expect(published.keys.find((k) => k.status === 'active')?.kid).toBe(key.kid);
	});

	it('refuses a damaged key file without printing its content, and tightens loose permissions', async () => {
		const db = getDb();
		const config = freshConfig();
		await loadSigningKey(db, config, T0);
		const path = join(config.dataDir, KEY_FILE_NAME);
		chmodSync(path, 0o644);
		await loadSigningKey(db, config, T0);
		expect(statSync(path).mode & 0o777).toBe(0o600);

		const file = JSON.parse(readFileSync(path, 'utf8'));
		const seed = file.active.seed as string;
		file.active.publicKey = encodeBase64url(new Uint8Array(32));
		writeFileSync(path, JSON.stringify(file));
		const attempt = loadSigningKey(db, config, T0);
		await expect(attempt).rejects.toBeInstanceOf(SigningKeyFileError);
		await expect(attempt).rejects.not.toThrow(seed);
		writeFileSync(path, `{"version":1,"active":{"seed":"${seed}"`);
		await expect(loadSigningKey(db, config, T0)).rejects.toThrow(/not valid JSON/);
		expect(decodeBase64url(seed)).toHaveLength(32);
	});
});
