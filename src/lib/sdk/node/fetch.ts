// fetch for a Node program talking to the activation server as a browser would: it keeps the session
// cookie the server sets at sign-in (fetch-cookie, with tough-cookie's jar and its rules for Secure
// and expiry), and says where it comes from (Origin), which the server asks of every request that
// changes something — a browser sends it by itself.
import makeFetchCookie from 'fetch-cookie';

export function nodeFetch(server: string, base: typeof fetch = globalThis.fetch): typeof fetch {
	const origin = new URL(server).origin;
	const withCookies = makeFetchCookie(base);
	return ((input: RequestInfo | URL, init: RequestInit = {}) => {
		const headers = new Headers(init.headers);
		if (!headers.has('origin')) headers.set('origin', origin);
		return withCookies(input, { ...init, headers });
	}) as typeof fetch;
}
