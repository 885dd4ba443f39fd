import { describe, expect, it } from 'vitest';
import { findUnstorableText } from './storable-text';
import { parseJsonStrict } from './strict-json';

describe('parseJsonStrict', () => {
	it('reads what JSON.parse reads when no key repeats', () => {
		const texts = [
			'{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}',
			'{"x":"}{\\"a\\":1,\\"a\\":2","y":"\\\\","z":"\\\\\\""}',
			'[{"a":1},{"a":1}]',
			'"a"',
			'{}'
		];
		for (const text of texts) expect(parseJsonStrict(text)).toEqual({ ok: true, value: JSON.parse(text) });
	});

	it('refuses a key repeated in one object, at any depth, also spelled with escapes', () => {
		expect(parseJsonStrict('{"a":1,"a":2}')).toEqual({ ok: false, reason: 'duplicate-key', key: 'a' });
		expect(parseJsonStrict('[1,{"b":{"k":[],"\\u006b":0}}]')).toEqual({
			ok: false,
			reason: 'duplicate-key',
			key: 'k'
		});
	});

	it('refuses bad syntax and deep nesting, and never throws on any text', () => {
		expect(parseJsonStrict('{"a":')).toEqual({ ok: false, reason: 'syntax' });
		expect(parseJsonStrict('"unterminated')).toEqual({ ok: false, reason: 'syntax' });
		expect(parseJsonStrict('{"a\\q":1}')).toEqual({ ok: false, reason: 'syntax' });
		expect(parseJsonStrict('['.repeat(65) + ']'.repeat(65))).toEqual({ ok: false, reason: 'too-deep' });
		expect(parseJsonStrict('['.repeat(64) + ']'.repeat(64)).ok).toBe(true);
	});
});

describe('findUnstorableText', () => {
	it('finds NUL and lone surrogates in values and keys, not surrogate pairs', () => {
		expect(findUnstorableText({ a: ['ok', 'x\u0000'] })).toEqual({ path: ['a', 1], problem: 'nul' });
		expect(findUnstorableText({ a: { '\udfff': 1 } })).toEqual({ path: ['a'], problem: 'lone-surrogate' });
		expect(findUnstorableText('\ud800')).toEqual({ path: [], problem: 'lone-surrogate' });
		expect(findUnstorableText('a\ud800\udc00b')).toBeNull();
		expect(findUnstorableText({ n: 1, b: true, z: null, s: 'fine \u0001 \ufffe' })).toBeNull();
	});
});
