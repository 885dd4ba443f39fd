// Strict Ed25519 inputs, checked before any backend verifies (RFC 8032 §5.1.7 and the rules
// libsodium applies): OpenSSL, WebCrypto and tweetnacl all accept a public key of small order, and
// with one a "signature" R = identity, S = 0 verifies for many messages without any private key.
// So a public key or a signature's R that is a point of small order, an encoding of a coordinate
// not below p, and an S not below the group order L are refused.
import { fromHex } from './bytes.js';

/** The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
const L = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');
/** p = 2^255 - 19, little-endian. */
const P = fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');

/**
 * The y coordinates of the eight points of small order (the sign bit of x cleared), as libsodium
 * lists them: 0 and 1 also in their non-canonical forms p and p + 1.
 */
const SMALL_ORDER_Y = [
	'0000000000000000000000000000000000000000000000000000000000000000', // y = 0: order 4
	'0100000000000000000000000000000000000000000000000000000000000000', // y = 1: the identity
	'26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
	'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
	'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p - 1: order 2
	'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p (0)
	'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f' //  y = p + 1 (1)
].map(fromHex);

/** a < b, both 32-byte little-endian numbers. */
function lessThan(a: Uint8Array, b: Uint8Array): boolean {
	for (let i = 31; i >= 0; i--) if (a[i] !== b[i]) return a[i]! < b[i]!;
	return false;
}

function yOf(point: Uint8Array): Uint8Array {
	const y = point.slice(0, 32);
	y[31]! &= 0x7f;
	return y;
}

/** Whether a point encoding is of small order (whatever its sign bit). */
export function hasSmallOrder(point: Uint8Array): boolean {
	const y = yOf(point);
	return SMALL_ORDER_Y.some((bad) => bad.every((byte, i) => byte === y[i]));
}

/** A point encoding that may verify: canonical (y < p) and not of small order. */
export function isStrictPoint(point: Uint8Array): boolean {
	return point.length === 32 && lessThan(yOf(point), P) && !hasSmallOrder(point);
}

/** Whether a public key and a signature pass the strict checks (the curve equation is the backend's). */
export function isStrictSignature(signature: Uint8Array, publicKey: Uint8Array): boolean {
	return (
		signature.length === 64 &&
		isStrictPoint(publicKey) &&
		isStrictPoint(signature.subarray(0, 32)) &&
		lessThan(signature.subarray(32, 64), L)
	);
}
