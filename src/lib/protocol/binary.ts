// A tiny bounds-checked byte writer and reader for the compact QR encodings.

export class ByteWriter {
	private readonly chunks: number[] = [];

	u8(value: number): this {
		this.chunks.push(value & 0xff);
		return this;
	}

	u16(value: number): this {
		return this.u8(value >>> 8).u8(value);
	}

	u32(value: number): this {
		return this.u8(value >>> 24)
			.u8(value >>> 16)
			.u8(value >>> 8)
			.u8(value);
	}

	bytes(value: Uint8Array): this {
		for (const byte of value) this.chunks.push(byte);
		return this;
	}

	/** A string of at most 255 UTF-8 bytes, preceded by its length. */
	shortString(value: string): this {
		const encoded = new TextEncoder().encode(value);
		if (encoded.length > 255) throw new RangeError('a short string has at most 255 bytes');
		return this.u8(encoded.length).bytes(encoded);
	}

	ascii(value: string): this {
		for (let i = 0; i < value.length; i++) this.chunks.push(value.charCodeAt(i) & 0x7f);
		return this;
	}

	toBytes(): Uint8Array {
		return Uint8Array.from(this.chunks);
	}
}

/** Thrown by ByteReader past the end or on invalid text; callers turn it into their typed error. */
export class TruncatedInputError extends Error {
	override name = 'TruncatedInputError';
}

// ignoreBOM keeps a leading U+FEFF as text: dropping it would give one value two byte forms.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class ByteReader {
	private offset = 0;

	constructor(private readonly input: Uint8Array) {}

	get remaining(): number {
		return this.input.length - this.offset;
	}

	u8(): number {
		if (this.offset >= this.input.length) throw new TruncatedInputError('input ends early');
		return this.input[this.offset++]!;
	}

	u16(): number {
		return (this.u8() << 8) | this.u8();
	}

	u32(): number {
		return ((this.u8() << 24) | (this.u8() << 16) | (this.u8() << 8) | this.u8()) >>> 0;
	}

	bytes(length: number): Uint8Array {
		if (this.offset + length > this.input.length) throw new TruncatedInputError('input ends early');
		const out = this.input.slice(this.offset, this.offset + length);
		this.offset += length;
		return out;
	}

	shortString(): string {
		try {
			return strictUtf8.decode(this.bytes(this.u8()));
		} catch (error) {
			if (error instanceof TruncatedInputError) throw error;
			throw new TruncatedInputError('invalid UTF-8');
		}
	}

	ascii(length: number): string {
		return String.fromCharCode(...this.bytes(length));
	}
}
