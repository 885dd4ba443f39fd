// The shape.ts checks stand for zod schemas on the start-up path: each is compared here with the zod
// schema it replaced, on valid values and on values with one field changed, removed or added.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { identityRowSchema, licenseRowSchema, outboxItemSchema } from '../sdk/rows.js';
import { apiErrorSchema } from './api-error.js';
import { healthResponseSchema, vendorContactsSchema } from './health.js';
import type { Parser } from './shape.js';
import { publishedKeySetSchema } from './vendor-keys.js';

const epochMs = z.number().int().nonnegative();
const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array);
const zodVendor = z.object({
	name: z.string().min(1).max(100),
	supportUrl: z.url({ protocol: /^https?$/ }).max(2000),
	phones: z.array(z.object({ region: z.string().min(2).max(3), number: z.string().min(1).max(40) })).max(50)
});
const references = {
	keys: z.object({
		keys: z
			.array(
				z.object({
					kid: z.string().regex(/^[0-9a-f]{16}$/),
					alg: z.literal('Ed25519'),
					publicKey: z.string().length(43),
					status: z.enum(['active', 'verify-only']),
					createdAt: z.string()
				})
			)
			.max(64)
	}),
	vendor: zodVendor,
	health: z.object({
		status: z.literal('ok'),
		version: z.string().min(1).max(100),
		serverTime: z.number(),
		signedTime: z.string().max(200),
		vendor: zodVendor
	}),
	apiError: z.object({
		error: z.object({
			code: z.string(),
			message: z.string(),
			field: z.string().optional(),
			licenseNumber: z.string().optional()
		})
	}),
	identity: z.discriminatedUnion('keyKind', [
		z.object({
			id: z.literal('device'),
			deviceId: z.string(),
			publicKey: bytes,
			keyKind: z.literal('tweetnacl'),
			secretKey: bytes,
			createdAt: epochMs
		})
	]),
	licenseRow: z.object({
		licenseNumber: z.string(),
		fileText: z.string(),
		product: z.string(),
		productName: z.string(),
		quantity: z.number().int().positive(),
		kind: z.enum(['standard', 'temporary', 'emergency']),
		parent: z.string().nullable(),
		expansions: z.array(z.string()),
		email: z.string(),
		deviceId: z.string(),
		issuedAt: epochMs,
		expiresAt: epochMs.nullable(),
		kid: z.string(),
		storedAt: epochMs,
		status: z.enum(['active', 'expired', 'revoked', 'deactivated']),
		statusReason: z.string().optional()
	}),
	outbox: z.object({
		id: z.string().min(1),
		type: z.enum(['instant-activation', 'refresh', 'emergency-report', 'store-edit']),
		payload: z.json(),
		createdAt: epochMs,
		state: z.enum(['queued', 'sending', 'done', 'failed', 'needs-sign-in']),
		attempts: z.number().int().nonnegative(),
		nextAttemptAt: epochMs,
		lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
		result: z.json().optional()
	})
};

const vendor = {
	name: 'Acme',
	supportUrl: 'https://acme.example/help',
	phones: [{ region: 'US', number: '+1 408 555 0100' }]
};
const cases: [string, Parser<unknown>, z.ZodType, Record<string, unknown>][] = [
	[
		'key set',
		publishedKeySetSchema,
		references.keys,
		{
			keys: [
				{
					kid: '0123456789abcdef',
					alg: 'Ed25519',
					publicKey: 'a'.repeat(43),
					status: 'active',
					createdAt: 'x'
				}
			]
		}
	],
	['vendor contacts', vendorContactsSchema, references.vendor, vendor],
	[
		'health answer',
		healthResponseSchema,
		references.health,
		{ status: 'ok', version: '1.0.0', serverTime: 1.5e12, signedTime: 'AIRLOCK-T1.x', vendor }
	],
	['error answer', apiErrorSchema, references.apiError, { error: { code: 'c', message: 'm', field: 'f' } }],
	[
		'identity row',
		identityRowSchema,
		references.identity,
		{
			id: 'device',
			deviceId: 'ABCD-EFGH-JKLM',
			publicKey: new Uint8Array(32),
			keyKind: 'tweetnacl',
			secretKey: new Uint8Array(64),
			createdAt: 1
		}
	],
	[
		'license row',
		licenseRowSchema,
		references.licenseRow,
		{
			licenseNumber: 'SRV-1',
			fileText: 'text',
			product: 'SRV',
			productName: 'Server',
			quantity: 2,
			kind: 'temporary',
			parent: null,
			expansions: ['CLX'],
			email: 'ada@example.com',
			deviceId: 'ABCD-EFGH-JKLM',
			issuedAt: 1,
			expiresAt: 2,
			kid: '0123456789abcdef',
			storedAt: 3,
			status: 'revoked',
			statusReason: 'why'
		}
	],
	[
		'outbox item',
		outboxItemSchema,
		references.outbox,
		{
			id: 'id-1',
			type: 'refresh',
			payload: { request: 'r', list: [1, null, true] },
			createdAt: 1,
			state: 'failed',
			attempts: 3,
			nextAttemptAt: 4,
			lastError: { code: 'c', message: 'm' },
			result: { ok: true }
		}
	]
];

// Values a field may be changed to: the likely mistakes, then anything at all.
const field = fc.oneof(
	fc.constantFrom(
		'',
		'x',
		'ok',
		'active',
		'refresh',
		'https://a.example',
		'http:a.example',
		'ftp://a.example',
		' https://a.example/x ',
		-1,
		0,
		1,
		1.5,
		Number.NaN,
		Infinity,
		2 ** 60,
		null,
		undefined,
		[],
		{},
		new Uint8Array(2),
		new Date(0)
	),
	fc.anything({ withTypedArray: true })
);

describe('shape.ts checks agree with the zod schemas they replaced', () => {
	it.each(cases)('%s', (_name, parser, reference, valid) => {
		const same = (value: unknown) => {
			const ours = parser.safeParse(value);
			const theirs = reference.safeParse(value);
			expect(ours.success).toBe(theirs.success);
			if (ours.success && theirs.success) expect(ours.data).toEqual(theirs.data);
		};
		same(valid);
		same({ ...valid, extra: 1 });
		fc.assert(
			fc.property(fc.constantFrom(...Object.keys(valid)), field, fc.boolean(), (key, value, remove) => {
				const changed: Record<string, unknown> = { ...valid };
				if (remove) delete changed[key];
				else changed[key] = value;
				same(changed);
			}),
			{ numRuns: 300 }
		);
		fc.assert(fc.property(field, (value) => same(value)));
	});

	it('parse throws what safeParse refuses', () => {
		expect(() => publishedKeySetSchema.parse({ keys: 'no' })).toThrow(/not a valid key set/);
		expect(publishedKeySetSchema.parse({ keys: [] })).toEqual({ keys: [] });
	});
});
