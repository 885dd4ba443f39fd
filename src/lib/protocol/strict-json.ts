// JSON with every object key at most once, and not nested without end. JSON.parse keeps the last of
// repeated keys silently, so `{"email":"a@x","email":"b@y"}` means one thing to this reader and may
// mean another to a reader that keeps the first (or to a person reading the text): content that is
// signed, sealed or bound by hash must have one meaning, so a repeated key is refused instead. Keys
// are compared decoded (`"a"` and `"\u0061"` are the same key). No format of Airlock nests more than
// a few levels; a body nested a million levels deep would only cost seconds of parsing and walking,
// so nesting is limited before JSON.parse runs.

/** Deeper than any Airlock format (a sync batch is 5 levels deep). */
export const MAX_JSON_DEPTH = 64;

export type StrictJsonResult =
	| { ok: true; value: unknown }
	| { ok: false; reason: 'syntax' }
	| { ok: false; reason: 'too-deep' }
	| { ok: false; reason: 'duplicate-key'; key: string };

interface Scan {
	tooDeep: boolean;
	repeated: string | null;
}

/** The end (index of the closing quote) of the JSON string opening at `start`; the text's end if none. */
function stringEnd(text: string, start: number): number {
	let at = start + 1;
	for (;;) {
		const quote = text.indexOf('"', at);
		if (quote < 0) return text.length;
		let backslashes = 0;
		while (text.charCodeAt(quote - 1 - backslashes) === 92) backslashes++;
		if (backslashes % 2 === 0) return quote;
		at = quote + 1;
	}
}

function decodedKey(raw: string): string | null {
	try {
		return JSON.parse(raw) as string;
	} catch {
		return null;
	}
}

/**
 * One pass over the text: its nesting depth and the first key repeated within one object. Safe on
 * any text (it never throws or loops); its findings about keys hold when the text is valid JSON.
 */
function scan(text: string): Scan {
	// One entry per open bracket: the keys of an object, or null for an array.
	const frames: (Set<string> | null)[] = [];
	let expectKey = false;
	let repeated: string | null = null;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 34 /* " */) {
			const end = stringEnd(text, i);
			const keys = frames[frames.length - 1];
			if (keys && expectKey && repeated === null) {
				const key = decodedKey(text.slice(i, end + 1));
				if (key !== null && keys.has(key)) repeated = key;
				else if (key !== null) keys.add(key);
			}
			expectKey = false;
			i = end;
		} else if (c === 123 /* { */ || c === 91 /* [ */) {
			if (frames.length === MAX_JSON_DEPTH) return { tooDeep: true, repeated };
			frames.push(c === 123 ? new Set() : null);
			expectKey = c === 123;
		} else if (c === 125 /* } */ || c === 93 /* ] */) frames.pop();
		else if (c === 44 /* , */) expectKey = frames[frames.length - 1] != null;
	}
	return { tooDeep: false, repeated };
}

/** Parses JSON, refusing a key repeated in one object and nesting deeper than MAX_JSON_DEPTH. Never throws. */
export function parseJsonStrict(text: string): StrictJsonResult {
	const found = scan(text);
	if (found.tooDeep) return { ok: false, reason: 'too-deep' };
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return { ok: false, reason: 'syntax' };
	}
	return found.repeated === null
		? { ok: true, value }
		: { ok: false, reason: 'duplicate-key', key: found.repeated };
}
