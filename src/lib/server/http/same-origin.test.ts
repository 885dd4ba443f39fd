import { describe, expect, it } from 'vitest';
import { isCrossSiteRequest } from './same-origin';

const url = new URL('http://localhost:3000/api/v1/session');

function post(headers: Record<string, string>, method = 'POST') {
	return new Request(url, { method, headers });
}

describe('cross-site request refusal', () => {
	it('lets same-origin requests through, by configured origin or by the Host they were sent to', () => {
		expect(isCrossSiteRequest(post({ origin: 'http://localhost:3000' }), url)).toBe(false);
		expect(
			isCrossSiteRequest(post({ origin: 'http://192.168.1.5:3000', host: '192.168.1.5:3000' }), url)
		).toBe(false);
		expect(isCrossSiteRequest(post({ 'sec-fetch-site': 'same-origin' }), url)).toBe(false);
		expect(isCrossSiteRequest(post({}, 'GET'), url)).toBe(false);
	});

	it('refuses another origin, an opaque origin, and a state-changing request that says nothing', () => {
		expect(isCrossSiteRequest(post({ origin: 'https://evil.example', host: 'localhost:3000' }), url)).toBe(
			true
		);
		expect(isCrossSiteRequest(post({ origin: 'null', host: 'localhost:3000' }), url)).toBe(true);
		expect(isCrossSiteRequest(post({ 'content-type': 'text/plain' }), url)).toBe(true);
		expect(isCrossSiteRequest(post({ 'sec-fetch-site': 'cross-site' }), url)).toBe(true);
		// The whole origin, not only the host: another scheme or another port is another site.
		expect(isCrossSiteRequest(post({ origin: 'https://localhost:3000', host: 'localhost:3000' }), url)).toBe(
			true
		);
		expect(
			isCrossSiteRequest(post({ origin: 'https://192.168.1.5:3000', host: '192.168.1.5:3000' }), url)
		).toBe(true);
		expect(isCrossSiteRequest(post({ origin: 'http://localhost:3001', host: 'localhost:3000' }), url)).toBe(
			true
		);
		for (const method of ['PUT', 'DELETE', 'PATCH', 'post'])
			expect(isCrossSiteRequest(post({}, method), url)).toBe(true);
	});
});
