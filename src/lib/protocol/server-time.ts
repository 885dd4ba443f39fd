// Signed server time: the activation server's clock in a statement signed by the vendor key, which
// the sync response carries (`signedTime`). A License Manager raises its time high-water mark only
// from a statement that verifies, so neither a page script nor a proxy can push it forward, and a
// clock set back is noticed. Replaying an old statement is harmless: it only ever raises the mark to
// a time that really passed. Specified in docs/FORMATS-emergency.md.
//
//   AIRLOCK-T1.<milliseconds since the epoch, decimal>.<kid>.<base64url signature>
//   signed bytes: UTF-8("airlock/time/v1\nServer-Time: <ms>\nKey-Id: <kid>\n")
import { decodeBase64url, encodeBase64url } from './base64url.js';
import { utf8 } from './bytes.js';
import { verify } from './ed25519.js';
import type { TrustedKeys } from './vendor-keys.js';

export const SERVER_TIME_DOMAIN = 'airlock/time/v1';
export const SERVER_TIME_PREFIX = 'AIRLOCK-T1.';
export const MAX_SERVER_TIME_CHARS = 200;
// Times outside 2000–2106 are refused, as in every other format.
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2106, 0, 1);
const STATEMENT = /^AIRLOCK-T1\.(0|[1-9]\d{0,15})\.([0-9a-f]{16})\.([A-Za-z0-9_-]{86})$/;

export type ServerTimeErrorCode =
	| 'server_time_malformed'
	| 'server_time_unsupported_version'
	| 'server_time_unknown_key'
	| 'server_time_bad_signature';

export type ServerTimeResult =
	| { ok: true; serverTime: number; kid: string }
	| { ok: false; error: { code: ServerTimeErrorCode; message: string } };

export function serverTimeSignedBytes(serverTime: number, kid: string): Uint8Array {
	return utf8(`${SERVER_TIME_DOMAIN}\nServer-Time: ${serverTime}\nKey-Id: ${kid}\n`);
}

/** Signs the server's time (server side). */
export async function signServerTime(
	serverTime: number,
	signer: { kid: string; sign(message: Uint8Array): Uint8Array | Promise<Uint8Array> }
): Promise<string> {
	const ms = Math.floor(serverTime);
	if (ms < MIN_TIME || ms >= MAX_TIME) throw new RangeError('the server time is out of range');
	const signature = await signer.sign(serverTimeSignedBytes(ms, signer.kid));
	return `${SERVER_TIME_PREFIX}${ms}.${signer.kid}.${encodeBase64url(signature)}`;
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
	if (!text.startsWith(SERVER_TIME_PREFIX))
		return /^AIRLOCK-T\d+\./.test(text)
			? failure('server_time_unsupported_version', 'The server time statement has an unknown version.')
			: failure('server_time_malformed', 'The server time statement is not valid.');
	const match = STATEMENT.exec(text);
	const signature = match ? decodeBase64url(match[3]!) : null;
	const serverTime = match ? Number(match[1]) : NaN;
	if (!match || !signature || !(serverTime >= MIN_TIME && serverTime < MAX_TIME))
		return failure('server_time_malformed', 'The server time statement is not valid.');
	const kid = match[2]!;
	const key = options.trustedKeys.get(kid);
	if (!key)
		return failure(
			'server_time_unknown_key',
			'The server time is signed by a key this device does not trust.'
		);
	if (!(await verify(serverTimeSignedBytes(serverTime, kid), signature, key.publicKey)))
		return failure('server_time_bad_signature', 'The server time statement’s signature does not match.');
	return { ok: true, serverTime, kid };
}
