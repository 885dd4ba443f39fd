// Small byte helpers shared by the formats.
import nacl from 'tweetnacl';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8(text: string): Uint8Array {
	return encoder.encode(text);
}

/** Decodes UTF-8, or returns null for invalid UTF-8 (never throws). */
export function fromUtf8(bytes: Uint8Array): string | null {
	try {
		return decoder.decode(bytes);
	} catch {
		return null; // invalid UTF-8 is an expected input, reported by the caller's own error code
	}
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.length;
	}
	return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
	return diff === 0;
}

const nodeHash = (
	globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as
	{ createHash(algorithm: 'sha512'): { update(data: Uint8Array): { digest(): Uint8Array } } } | undefined;

/** SHA-512, synchronous: node:crypto on Node (the server hashes on every request), tweetnacl elsewhere. */
export function sha512(bytes: Uint8Array): Uint8Array {
	return nodeHash ? new Uint8Array(nodeHash.createHash('sha512').update(bytes).digest()) : nacl.hash(bytes);
}

export function toHex(bytes: Uint8Array): string {
	let out = '';
	for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
	return out;
}

export function randomBytes(length: number): Uint8Array {
	const out = new Uint8Array(length);
	globalThis.crypto.getRandomValues(out);
	return out;
}
