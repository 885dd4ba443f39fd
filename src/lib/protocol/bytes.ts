// Small byte helpers shared by the formats.

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

export type NodeHash = {
	createHash(algorithm: 'sha512'): { update(data: Uint8Array): { digest(): Uint8Array } };
};

/** node:crypto where this runs on Node (the server hashes on every request), else undefined. */
export const nodeHash = (
	globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeHash | undefined;

/** SHA-512 by node:crypto. */
export function nodeSha512(node: NodeHash, bytes: Uint8Array): Uint8Array {
	return new Uint8Array(node.createHash('sha512').update(bytes).digest());
}

/**
 * SHA-512, natively where it can: node:crypto on Node, WebCrypto in browsers and service workers, a
 * JavaScript one (sync-ids.ts) only where neither exists. Synchronous code uses sync-ids.ts instead.
 */
export async function digestSha512(
	bytes: Uint8Array,
	runtime: { node?: NodeHash; subtle?: SubtleCrypto } = { node: nodeHash, subtle: globalThis.crypto?.subtle }
): Promise<Uint8Array> {
	if (runtime.node) return nodeSha512(runtime.node, bytes);
	if (runtime.subtle)
		return new Uint8Array(await runtime.subtle.digest('SHA-512', bytes as Uint8Array<ArrayBuffer>));
	return (await import('./sync-ids.js')).javascriptSha512(bytes);
}

/** The bytes of a string of hex digit pairs (checked by its caller). */
export function fromHex(hex: string): Uint8Array {
	return Uint8Array.from(hex.match(/../g)!, (pair) => parseInt(pair, 16));
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
