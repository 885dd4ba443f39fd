// The security headers of every answer: pages rendered by SvelteKit, prerendered pages and static
// files alike (scripts/server.js sets them before anything else answers; the hooks set them too, for
// `vite dev` and for anyone who runs the adapter's own entry). Plain JavaScript, because the server
// entry imports it before and without the build.
//
// The pages' own Content-Security-Policy (scripts, styles, images, connections) comes from SvelteKit
// (`kit.csp` in svelte.config.js): it hashes the inline start-up script of each page, prerendered ones
// included, and sends the policy with the page. The policy here holds only what a page's policy
// cannot say (`frame-ancestors` is ignored in a <meta> tag) and what holds for every answer; browsers
// enforce both policies, so neither loosens the other.

/** The Content-Security-Policy of every answer. */
export const BASE_CONTENT_SECURITY_POLICY = [
	"frame-ancestors 'none'",
	"object-src 'none'",
	"base-uri 'self'",
	"form-action 'self'"
].join('; ');

/** One year, with subdomains: what browsers' preload lists ask for. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * @param {string | undefined} origin the public origin (ORIGIN); HSTS only when it is https
 * @returns {Record<string, string>}
 */
export function securityHeaders(origin) {
	/** @type {Record<string, string>} */
	const headers = {
		'content-security-policy': BASE_CONTENT_SECURITY_POLICY,
		'x-frame-options': 'DENY',
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'no-referrer',
		'cross-origin-opener-policy': 'same-origin',
		'cross-origin-resource-policy': 'same-origin',
		'permissions-policy': 'camera=(self), microphone=(), geolocation=(), payment=()'
	};
	if (origin?.startsWith('https://')) headers['strict-transport-security'] = HSTS;
	return headers;
}
