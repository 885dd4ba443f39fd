// The session cookie: HttpOnly, SameSite=Lax, and over https Secure with the __Host- prefix (which
// pins it to this host and path /, so a sibling subdomain cannot plant one).
import type { Cookies } from '@sveltejs/kit';

function nameFor(url: URL): string {
	return url.protocol === 'https:' ? '__Host-airlock_session' : 'airlock_session';
}

export function readSessionCookie(cookies: Cookies, url: URL): string | undefined {
	return cookies.get(nameFor(url));
}

export function setSessionCookie(cookies: Cookies, url: URL, token: string, expiresAt: number): void {
	cookies.set(nameFor(url), token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		expires: new Date(expiresAt)
	});
}

export function clearSessionCookie(cookies: Cookies, url: URL): void {
	cookies.delete(nameFor(url), {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:'
	});
}
