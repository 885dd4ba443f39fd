import { describe, expect, it } from 'vitest';
import { OPERATION_TYPES, readOperation, readOperationResult } from './operations.js';

describe('queued operations', () => {
	it('reads an operation of each known type with a payload that fits its schema', () => {
		const payloads = {
			'instant-activation': { request: 'reg.txt text' },
			refresh: { request: 'reg.txt text' },
			'emergency-report': { use: 'signed use' },
			'store-edit': {
				edit: {
					kind: 'project-delete',
					projectId: '0b7c1f6e-4a7e-4c55-9a55-1c1b6f1e2d3a',
					stamp: { wall: 1, counter: 0, device: 'D' },
					base: null
				}
			},
			'deactivation-report': { statement: 'deactivation.txt text' }
		};
		for (const type of OPERATION_TYPES) {
			const read = readOperation({ id: 'op-00001', type, payload: payloads[type] });
			expect(read.ok, type).toBe(true);
			if (read.ok) expect(read.operation.type).toBe(type);
		}
	});

	it('refuses an unknown type and a payload of the wrong shape, each with its own code', () => {
		expect(readOperation({ id: 'op-00001', type: 'format-disk', payload: {} })).toEqual({
			ok: false,
			code: 'unknown_operation'
		});
		expect(readOperation({ id: 'op-00001', type: 'refresh', payload: { request: 42 } })).toEqual({
			ok: false,
			code: 'invalid_payload'
		});
		// An inherited property name is not an operation type.
		expect(readOperation({ id: 'op-00001', type: 'constructor', payload: {} })).toMatchObject({ ok: false });
	});

	it('reads a result against its type and refuses one of another type', () => {
		const activation = { licenses: [], revoked: [], serverTime: 5 };
		expect(readOperationResult('refresh', activation)).toEqual(activation);
		expect(readOperationResult('store-edit', activation)).toBeNull();
		expect(readOperationResult('store-edit', { lost: [] })).toEqual({ lost: [] });
	});
});
