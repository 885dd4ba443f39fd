// The signed time of GET /api/v1/health and POST /api/v1/sync: bound to the client's nonce (T2) when
// it sends a valid one, T1 when it sends none, and a bad nonce refused at the boundary.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { verifyServerTime } from '$lib/protocol/server-time';
import { trustedKeysFrom, publishedKeySetSchema } from '$lib/protocol/vendor-keys';
import { parseConfig } from '../config';
import type { ServerContext } from '../context';
import { DomainError } from '../errors';
import { errorResponse } from '../http/api-error';
import { readJson } from '../http/body';
import { openSigningKeys } from '../keys/signing-keys.service';
import { NOW } from '../emergency/testing';
import { syncBatchSchema } from '../sync/sync.service';
import { describeEachDatabase } from '../testing/databases';
import { checkHealth, timeNonceOf } from './health.service';

const NONCE = 'AAECAwQFBgcICQoLDA0ODw';
const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function refusalOf(work: () => unknown) {
	try {
		work();
	} catch (error) {
		if (error instanceof DomainError) return error.refusal;
		throw error;
	}
	throw new Error('not refused');
}

describeEachDatabase('signed time: the client’s nonce', (getDb) => {
	async function context(): Promise<ServerContext> {
		const folder = mkdtempSync(join(tmpdir(), 'airlock-health-'));
		folders.push(folder);
		const config = parseConfig({ DATA_DIR: folder });
		return { config, db: getDb(), signingKeys: await openSigningKeys(getDb(), config, NOW) };
	}

	it('health signs a T2 bound to the nonce when there is one, a T1 otherwise; both verify', async () => {
		const server = await context();
		const trustedKeys = await trustedKeysFrom(publishedKeySetSchema.parse(await server.signingKeys.keySet()));
		const withNonce = await checkHealth(server, 'test', NOW, NONCE);
		expect(withNonce.signedTime).toMatch(/^AIRLOCK-T2\./);
		expect(await verifyServerTime(withNonce.signedTime, { trustedKeys })).toMatchObject({
			ok: true,
			serverTime: NOW,
			nonce: NONCE
		});
		const without = await checkHealth(server, 'test', NOW);
		expect(without.signedTime).toMatch(/^AIRLOCK-T1\./);
		expect(await verifyServerTime(without.signedTime, { trustedKeys })).toMatchObject({
			ok: true,
			serverTime: NOW,
			nonce: null
		});
	});
});

it('the health nonce: absent is none; anything but one valid nonce is 400 invalid_query', async () => {
	const url = (query: string) => new URL(`http://localhost/api/v1/health${query}`);
	expect(timeNonceOf(url(''))).toBeNull();
	expect(timeNonceOf(url(`?nonce=${NONCE}`))).toBe(NONCE);
	for (const query of [
		'?nonce=',
		'?nonce=short',
		`?nonce=${NONCE}A`,
		`?nonce=${NONCE.slice(1)}%2B`,
		`?nonce=${NONCE.slice(1)}%3D`,
		`?nonce=${NONCE}&nonce=${NONCE}`
	]) {
		const refusal = refusalOf(() => timeNonceOf(url(query)));
		expect(refusal).toMatchObject({ code: 'invalid_query', field: 'nonce' });
		const response = errorResponse(refusal);
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error: { code: 'invalid_query', field: 'nonce' } });
	}
});

it('the sync nonce: optional in the body; a bad one is 400 invalid_body naming timeNonce', async () => {
	const post = (body: unknown) =>
		new Request('http://localhost/api/v1/sync', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body)
		});
	const operations = [{ id: 'op-00000001', type: 'refresh', payload: { request: 'x' } }];
	expect((await readJson(post({ operations }), syncBatchSchema)).timeNonce).toBeUndefined();
	expect((await readJson(post({ operations, timeNonce: NONCE }), syncBatchSchema)).timeNonce).toBe(NONCE);
	for (const timeNonce of ['', 'short', `${NONCE}A`, `${NONCE.slice(1)}+`, 42, null])
		await expect(readJson(post({ operations, timeNonce }), syncBatchSchema)).rejects.toMatchObject({
			refusal: { code: 'invalid_body', field: 'timeNonce' }
		});
});
