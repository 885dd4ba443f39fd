// Session tokens: 32 random bytes, base64url. Only their SHA-256 is stored, so a leaked database
// (or backup) holds no usable session.
import { createHash, randomBytes } from 'node:crypto';
import { encodeBase64url } from '$lib/protocol/base64url';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newSessionToken(): string {
	return encodeBase64url(randomBytes(32));
}

/** The session id stored for a token, or null when the text cannot be a token at all. */
export function sessionIdOf(token: string): string | null {
	if (!TOKEN_PATTERN.test(token)) return null;
	return createHash('sha256').update(token, 'utf8').digest('hex');
}
