import { describe, expect, it } from 'vitest';
import { BASE_CONTENT_SECURITY_POLICY, securityHeaders } from './security-headers.js';

describe('security headers', () => {
	it('forbid framing, sniffing and referrers on every answer', () => {
		const headers = securityHeaders('http://localhost:3000');
		expect(headers['content-security-policy']).toBe(BASE_CONTENT_SECURITY_POLICY);
		expect(BASE_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
		expect(headers['x-frame-options']).toBe('DENY');
		expect(headers['x-content-type-options']).toBe('nosniff');
		expect(headers['referrer-policy']).toBe('no-referrer');
	});

	it('pin https (HSTS) only when the public origin is https', () => {
		expect(securityHeaders('https://licenses.example.com')['strict-transport-security']).toBe(
			'max-age=31536000; includeSubDomains'
		);
		expect(securityHeaders('http://localhost:3000')['strict-transport-security']).toBeUndefined();
		expect(securityHeaders(undefined)['strict-transport-security']).toBeUndefined();
	});
});
