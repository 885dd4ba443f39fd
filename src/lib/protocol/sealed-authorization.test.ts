import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from './base64url.js';
import { utf8 } from './bytes.js';
import {
	otherTestDevice,
	testTrustedKeys,
	testVendor,
	testVendorKid
} from '../../../tests/fixtures/test-keys.js';
import { signerFromKeyPair } from './ed25519.js';
import { keyIdOf } from './sync-ids.js';
import {
	deriveSealKeyPair,
	openAuthorization,
	operationPayloadHash,
	sealAuthorization,
	SEALED_PREFIX
} from './sealed-authorization.js';
import { publishSealKey, verifySealKey } from './seal-key.js';

const vendorSigner = { ...signerFromKeyPair(testVendor), kid: testVendorKid };
const otherSigner = { ...signerFromKeyPair(otherTestDevice), kid: keyIdOf(otherTestDevice.publicKey) };

const content = {
	email: 'ada@example.com',
	password: 'correct horse battery',
	operationId: 'op-0123456789',
	type: 'instant-activation',
	payloadHash: operationPayloadHash({ request: 'reg.txt text' }),
	expiresAt: Date.UTC(2026, 11, 8)
};

/** Seals any JSON text, as a client that does not use sealAuthorization could. */
function sealText(json: string, pair: { kid: string; publicKey: Uint8Array }): string {
	const ephemeral = nacl.box.keyPair();
	const nonce = nacl.randomBytes(nacl.box.nonceLength);
	const box = nacl.box(utf8(json), nonce, pair.publicKey, ephemeral.secretKey);
	const sealed = new Uint8Array([...ephemeral.publicKey, ...nonce, ...box]);
	return `${SEALED_PREFIX}.${pair.kid}.${encodeBase64url(sealed)}`;
}

describe('sealed authorizations', () => {
	it('refuse sealed content with a repeated key or text the database cannot store', async () => {
		const pair = await deriveSealKeyPair(vendorSigner);
		const json = JSON.stringify({ v: 1, ...content });
		expect(openAuthorization(sealText(json, pair), pair).ok).toBe(true);
		// Two e-mails: one reader would take the first, JSON.parse the last. One meaning only.
		const twice = json.replace('{"v":1,', '{"v":1,"email":"eve@example.com",');
		expect(openAuthorization(sealText(twice, pair), pair)).toMatchObject({
			ok: false,
			code: 'authorization_malformed'
		});
		const nul = JSON.stringify({ v: 1, ...content, email: 'ada\u0000@example.com' });
		expect(openAuthorization(sealText(nul, pair), pair)).toMatchObject({ ok: false });
	});

	it('derive the same seal key from the same signing key, another from another', async () => {
		const a = await deriveSealKeyPair(vendorSigner);
		const b = await deriveSealKeyPair(vendorSigner);
		expect(a.publicKey).toEqual(b.publicKey);
		expect(a.kid).toBe(testVendorKid);
		expect((await deriveSealKeyPair(otherSigner)).publicKey).not.toEqual(a.publicKey);
	});

	it('publish a seal key that verifies only with the signing key it names', async () => {
		const pair = await deriveSealKeyPair(vendorSigner);
		const published = await publishSealKey(pair, vendorSigner);
		expect(await verifySealKey(published, testTrustedKeys)).toEqual({
			kid: testVendorKid,
			publicKey: pair.publicKey
		});
		// Signed by a key the client does not trust, or with the public key swapped: not used.
		const forged = await publishSealKey(
			{ ...(await deriveSealKeyPair(otherSigner)), kid: testVendorKid },
			otherSigner
		);
		expect(await verifySealKey(forged, testTrustedKeys)).toBeNull();
		const swapped = { ...published, publicKey: forged.publicKey };
		expect(await verifySealKey(swapped, testTrustedKeys)).toBeNull();
		expect(await verifySealKey(published, new Map())).toBeNull();
	});

	it('open to exactly what was sealed; the sealed text does not show the password', async () => {
		const pair = await deriveSealKeyPair(vendorSigner);
		const sealed = sealAuthorization(content, pair);
		expect(sealed.startsWith(`${SEALED_PREFIX}.${testVendorKid}.`)).toBe(true);
		expect(sealed).not.toContain('correct');
		expect(Buffer.from(sealed.split('.')[2]!, 'base64url').toString('latin1')).not.toContain('correct horse');
		expect(openAuthorization(sealed, pair)).toEqual({ ok: true, content: { v: 1, ...content } });
		// Two seals of the same content differ (a fresh ephemeral key and nonce each time).
		expect(sealAuthorization(content, pair)).not.toBe(sealed);
	});

	it('refuse an altered, truncated, foreign or malformed authorization without throwing', async () => {
		const pair = await deriveSealKeyPair(vendorSigner);
		const sealed = sealAuthorization(content, pair);
		const body = sealed.split('.')[2]!;
		const flipped = `${body.slice(0, 60)}${body[60] === 'A' ? 'B' : 'A'}${body.slice(61)}`;
		for (const text of [
			sealed.replace(body, flipped),
			sealed.slice(0, -10),
			`${SEALED_PREFIX}.${testVendorKid}.`,
			'AIRLOCK-S2.0123456789abcdef.AAAA',
			'',
			42,
			null,
			'x'.repeat(5000)
		])
			expect(openAuthorization(text, pair)).toMatchObject({ ok: false, code: 'authorization_malformed' });
		// Sealed to the seal key of another signing key (a rotated one): named, not guessed at.
		const other = await deriveSealKeyPair(otherSigner);
		expect(openAuthorization(sealAuthorization(content, other), pair)).toMatchObject({
			ok: false,
			code: 'authorization_unknown_key'
		});
		// The right kid but another key's box: it does not open.
		expect(openAuthorization(sealAuthorization(content, { ...other, kid: pair.kid }), pair)).toMatchObject({
			ok: false,
			code: 'authorization_malformed'
		});
	});

	it('bind to one payload: any change to the operation changes its hash', () => {
		expect(operationPayloadHash({ request: 'a' })).toBe(operationPayloadHash({ request: 'a' }));
		expect(operationPayloadHash({ request: 'a' })).not.toBe(operationPayloadHash({ request: 'b' }));
		expect(operationPayloadHash({ request: 'a' })).toMatch(/^[0-9a-f]{64}$/);
	});
});
