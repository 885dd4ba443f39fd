// The body reader's one rule for text (protocol/storable-text.ts) and for repeated keys
// (protocol/strict-json.ts): every JSON body, text body and path parameter, whatever the route.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { credentialsSchema } from '$lib/protocol/api';
import { releaseSeatRequestSchema } from '$lib/protocol/store';
import { DomainError } from '../errors';
import { syncBatchSchema } from '../sync/sync.service';
import { readJson, readText, requireStorableText } from './body';

function post(body: string, type = 'application/json'): Request {
	return new Request('http://localhost/api/v1/x', {
		method: 'POST',
		headers: { 'content-type': type },
		body
	});
}

async function refusal(work: () => unknown) {
	try {
		await work();
	} catch (error) {
		if (error instanceof DomainError) return error.refusal;
		throw error;
	}
	throw new Error('not refused');
}

describe('text a database cannot store is refused at the boundary', () => {
	it('a NUL (escaped in JSON) in a sign-in e-mail: 400 invalid_body naming the field', async () => {
		const body = JSON.stringify({ email: 'ada\u0000@example.com', password: 'x' });
		expect(await refusal(() => readJson(post(body), credentialsSchema))).toMatchObject({
			code: 'invalid_body',
			field: 'email',
			message: expect.stringContaining('NUL character (U+0000)')
		});
	});

	it('a lone surrogate in a device id to release: 400 invalid_body', async () => {
		const body = '{"deviceId":"FT3H-\\ud800"}';
		expect(await refusal(() => readJson(post(body), releaseSeatRequestSchema))).toMatchObject({
			code: 'invalid_body',
			field: 'deviceId',
			message: expect.stringContaining('unpaired UTF-16 surrogate')
		});
		// A pair is a character like any other.
		expect(await readJson(post('{"deviceId":"FT3H-\\ud83d\\ude00"}'), releaseSeatRequestSchema)).toEqual({
			deviceId: 'FT3H-😀'
		});
	});

	it('in a key, in a nested value, as raw bytes in a text body, in a path parameter', async () => {
		const anything = z.unknown();
		expect(await refusal(() => readJson(post('{"a":{"b\\u0000":1}}'), anything))).toMatchObject({
			code: 'invalid_body',
			field: 'a'
		});
		expect(await refusal(() => readJson(post('[1,["x","\\udc00"]]'), anything))).toMatchObject({
			code: 'invalid_body',
			field: '1.1'
		});
		expect(await refusal(() => readText(post('reg\u0000.txt', 'text/plain'), 1024))).toMatchObject({
			code: 'invalid_body'
		});
		expect(await refusal(() => requireStorableText('SRV-\u0000', 'number'))).toMatchObject({
			code: 'invalid_body',
			field: 'number'
		});
	});

	it('a body nested deeper than any request is refused before it is parsed; 64 levels are read', async () => {
		const deep = `${'['.repeat(1_000_000)}"\\u0000"${']'.repeat(1_000_000)}`;
		const started = performance.now();
		expect(await refusal(() => readJson(post(deep), z.unknown(), 4 * 1024 * 1024))).toMatchObject({
			code: 'invalid_json',
			message: expect.stringContaining('nested more than 64 levels')
		});
		expect(performance.now() - started).toBeLessThan(1_000);
		const deepest = `${'['.repeat(63)}{"a":"\\u0000"}${']'.repeat(63)}`;
		expect(await refusal(() => readJson(post(deepest), z.unknown()))).toMatchObject({
			code: 'invalid_body',
			field: `${'0.'.repeat(63)}a`
		});
	});

	it('a sync batch: an operation holding such text is set aside, not the batch; an unstorable id refuses the batch', async () => {
		const op = (id: string, name: string) => ({ id, type: 'store-edit', payload: { edit: { name } } });
		const body = JSON.stringify({ operations: [op('op-000001', 'fine'), op('op-000002', 'bad\u0000')] });
		const { operations } = await readJson(post(body), syncBatchSchema);
		expect(operations[0]).toEqual(op('op-000001', 'fine'));
		expect(operations[1]).toEqual({
			id: 'op-000002',
			unstorable: { code: 'invalid_payload', message: expect.stringContaining('payload.edit.name') }
		});
		const badId = JSON.stringify({ operations: [op('op-\u0000000001', 'fine')] });
		expect(await refusal(() => readJson(post(badId), syncBatchSchema))).toMatchObject({
			code: 'invalid_body',
			field: 'operations.0.id'
		});
	});
});

describe('a key repeated in one JSON object is refused', () => {
	it('answers 400 invalid_json naming the key, also when spelled with an escape', async () => {
		const body = '{"email":"ada@example.com","password":"x","em\\u0061il":"eve@example.com"}';
		expect(await refusal(() => readJson(post(body), credentialsSchema))).toMatchObject({
			code: 'invalid_json',
			message: expect.stringContaining('“email” appears twice')
		});
	});
});
