// Signed server time: the activation server's clock in a statement signed by the vendor key, which
// the sync and health answers carry (`signedTime`). A License Manager moves its trusted clock only
// from a statement that verifies, so neither a page script nor a proxy can push it forward, and a
// clock set back is noticed. Specified in docs/FORMATS-emergency.md §3.
//
//   AIRLOCK-T1.<ms>.<kid>.<sig>           signed: "airlock/time/v1\nServer-Time: <ms>\nKey-Id: <kid>\n"
//   AIRLOCK-T2.<ms>.<nonce>.<kid>.<sig>   signed: "airlock/time/v2\nServer-Time: <ms>\nNonce: <nonce>\nKey-Id: <kid>\n"
//
// T1 may be a replayed old statement, so it only ever raises the mark. T2 answers one request: it
// carries the random nonce the device sent with it, so a device that checks the nonce against the
// request it just made knows the time is current, and may let its mark come down to it.
import { decodeBase64url, encodeBase64url } from './base64url.js';
import { utf8 } from './bytes.js';
import { verify } from './ed25519.js';
import type { TrustedKeys } from './vendor-keys.js';

export const SERVER_TIME_DOMAIN = 'airlock/time/v1';
export const SERVER_TIME_PREFIX = 'AIRLOCK-T1.';
export const SERVER_TIME_V2_DOMAIN = 'airlock/time/v2';
export const SERVER_TIME_V2_PREFIX = 'AIRLOCK-T2.';
/**
 * A request's time nonce: 22 characters of the base64url alphabet (a client makes it from 16 random
 * bytes, 128 bits; the server only checks the characters and never decodes it).
 */
export const TIME_NONCE = /^[A-Za-z0-9_-]{22}$/;
export const MAX_SERVER_TIME_CHARS = 200;
// Times outside 2000–2106 are refused, as in every other format.
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2106, 0, 1);
const STATEMENT = /^AIRLOCK-T1\.(0|[1-9]\d{0,15})\.([0-9a-f]{16})\.([A-Za-z0-9_-]{86})$/;
const STATEMENT_V2 =
	/^AIRLOCK-T2\.(0|[1-9]\d{0,15})\.([A-Za-z0-9_-]{22})\.([0-9a-f]{16})\.([A-Za-z0-9_-]{86})$/;

export type ServerTimeErrorCode =
	| 'server_time_malformed'
	| 'server_time_unsupported_version'
	| 'server_time_unknown_key'
	| 'server_time_bad_signature';

export type ServerTimeResult =
	| { ok: true; serverTime: number; kid: string; /** T2's nonce; null for T1. */ nonce: string | null }
	| { ok: false; error: { code: ServerTimeErrorCode; message: string } };

export function serverTimeSignedBytes(
	serverTime: number,
	kid: string,
	nonce: string | null = null
): Uint8Array {
	return utf8(
		nonce === null
			? `${SERVER_TIME_DOMAIN}\nServer-Time: ${serverTime}\nKey-Id: ${kid}\n`
			: `${SERVER_TIME_V2_DOMAIN}\nServer-Time: ${serverTime}\nNonce: ${nonce}\nKey-Id: ${kid}\n`
	);
}

export function isTimeNonce(value: unknown): value is string {
	return typeof value === 'string' && TIME_NONCE.test(value);
}

/**
 * Signs the server's time (server side): T2 bound to the request's nonce when it sent one, T1 for a
 * client that did not (older License Managers).
 */
export async function signServerTime(
	serverTime: number,
	signer: { kid: string; sign(message: Uint8Array): Uint8Array | Promise<Uint8Array> },
	nonce: string | null = null
): Promise<string> {
	const ms = Math.floor(serverTime);
	if (ms < MIN_TIME || ms >= MAX_TIME) throw new RangeError('the server time is out of range');
	if (nonce !== null && !isTimeNonce(nonce)) throw new RangeError('the time nonce is not valid');
	const signature = encodeBase64url(await signer.sign(serverTimeSignedBytes(ms, signer.kid, nonce)));
	return nonce === null
		? `${SERVER_TIME_PREFIX}${ms}.${signer.kid}.${signature}`
		: `${SERVER_TIME_V2_PREFIX}${ms}.${nonce}.${signer.kid}.${signature}`;
}

/**
 * The nonce a statement claims, read without verifying it (cheap, at receipt: whether it answers the
 * request just made); null for T1 or anything else. The signature is checked later, before use.
 */
export function serverTimeNonce(text: string): string | null {
	return STATEMENT_V2.exec(text)?.[2] ?? null;
}

function failure(code: ServerTimeErrorCode, message: string): ServerTimeResult {
	return { ok: false, error: { code, message } };
}

/** Verifies a signed time statement: syntax, known key, signature. Never throws. */
export async function verifyServerTime(
	text: unknown,
	options: { trustedKeys: TrustedKeys }
): Promise<ServerTimeResult> {
	if (typeof text !== 'string' || text.length > MAX_SERVER_TIME_CHARS)
		return failure('server_time_malformed', 'The server time statement is not valid.');
	const v2 = text.startsWith(SERVER_TIME_V2_PREFIX);
	if (!v2 && !text.startsWith(SERVER_TIME_PREFIX))
		return /^AIRLOCK-T\d+\./.test(text)
			? failure('server_time_unsupported_version', 'The server time statement has an unknown version.')
			: failure('server_time_malformed', 'The server time statement is not valid.');
	// One shape for both: [time, nonce or undefined, kid, signature].
	const match = v2 ? STATEMENT_V2.exec(text) : STATEMENT.exec(text);
	const parts = match ? (v2 ? match.slice(1) : [match[1], undefined, match[2], match[3]]) : null;
	const signature = parts ? decodeBase64url(parts[3]!) : null;
	const serverTime = parts ? Number(parts[0]) : NaN;
	if (!parts || !signature || !(serverTime >= MIN_TIME && serverTime < MAX_TIME))
		return failure('server_time_malformed', 'The server time statement is not valid.');
	const nonce = parts[1] ?? null;
	const kid = parts[2]!;
	const key = options.trustedKeys.get(kid);
	if (!key)
		return failure(
			'server_time_unknown_key',
			'The server time is signed by a key this device does not trust.'
		);
	if (!(await verify(serverTimeSignedBytes(serverTime, kid, nonce), signature, key.publicKey)))
		return failure('server_time_bad_signature', 'The server time statement’s signature does not match.');
	return { ok: true, serverTime, kid, nonce };
}
