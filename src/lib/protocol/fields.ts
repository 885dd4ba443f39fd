// Field value syntax shared by the signed formats.
import { decodeBase64url, encodeBase64url } from './base64url.js';

/** Seconds-precision UTC time, e.g. 2026-11-28T17:05:00Z. */
export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
export const EMAIL_PATTERN = /^[^\s@A-Z]{1,64}@[^\s@A-Z]{1,189}\.[^\s@A-Z]{1,63}$/u;
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{22}$/;
export const KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const NONCE_BYTES = 16;
/** How far in the future a signed issue time may be (clocks differ): 5 minutes. */
export const ISSUED_AT_TOLERANCE_MS = 5 * 60 * 1000;

// Times outside 2000–2105 are refused: the compact forms store unsigned 32-bit seconds.
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2106, 0, 1);

export function formatTimestamp(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Milliseconds since the epoch, or null when the text is not a real canonical timestamp. */
export function parseTimestamp(text: string): number | null {
	if (!TIMESTAMP_PATTERN.test(text)) return null;
	const ms = Date.parse(text);
	// Date.parse accepts 2026-02-30; formatting back catches impossible dates.
	if (!Number.isFinite(ms) || ms < MIN_TIME || ms >= MAX_TIME) return null;
	return formatTimestamp(ms) === text ? ms : null;
}

/** Normalises an e-mail address the way every format stores it: trimmed, lower case. */
export function normalizeEmail(input: string): string {
	return input.trim().toLowerCase();
}

// Control characters and line separators are refused in every text field: a field value is one
// printable line, in every encoding (a JavaScript `.` does not match U+2028/U+2029).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;

/** Text fields carried as `str` in the QR forms: at most 255 bytes of UTF-8. */
export const MAX_TEXT_BYTES = 255;

export function fitsTextField(text: string): boolean {
	return !CONTROL_CHARACTERS.test(text) && new TextEncoder().encode(text).length <= MAX_TEXT_BYTES;
}

/** A canonical address: already normalised (trimmed, lower case), one printable line. */
export function isEmail(text: string): boolean {
	return (
		text.length <= 254 && EMAIL_PATTERN.test(text) && text === normalizeEmail(text) && fitsTextField(text)
	);
}

/** Whether a time can be carried by every encoding (2000–2105, whole seconds). */
export function isSupportedTime(ms: number): boolean {
	return Number.isInteger(ms) && ms % 1000 === 0 && ms >= MIN_TIME && ms < MAX_TIME;
}

export function decodeKey(text: string): Uint8Array | null {
	const bytes = decodeBase64url(text);
	return bytes?.length === 32 ? bytes : null;
}

export function decodeNonce(text: string): Uint8Array | null {
	const bytes = decodeBase64url(text);
	return bytes?.length === NONCE_BYTES ? bytes : null;
}

export { encodeBase64url };

/** A license file's compact QR form starts with this (qr-payload.ts; here so that telling the forms
 * apart does not load the QR format). */
export const LICENSE_QR_PREFIX = 'AIRLOCK:L1:';
/** Longest QR text accepted (any Airlock code), checked before any decoding. */
export const MAX_QR_TEXT = 4096;
