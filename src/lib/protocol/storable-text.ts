// Text every database keeps exactly as it was sent. Two kinds of JavaScript string cannot be:
// - U+0000 (NUL): PostgreSQL refuses it in `text` ("invalid byte sequence for encoding UTF8: 0x00")
//   and in `jsonb` ("unsupported Unicode escape sequence"), while SQLite stores it;
// - a lone UTF-16 surrogate (`"\ud800"` in JSON): it has no UTF-8 form. node-postgres silently
//   replaces it with U+FFFD in `text` (the stored text is not what was sent) and `jsonb` refuses it.
// The server refuses both at its boundary (every JSON body, text body and path parameter), so the
// two databases answer alike and a request never fails half-way in a statement.

export type UnstorableProblem = 'nul' | 'lone-surrogate';

// NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What makes `text` unstorable, or null when every database keeps it as it is. */
export function unstorableProblem(text: string): UnstorableProblem | null {
	const match = UNSTORABLE.exec(text);
	if (!match) return null;
	return match[0] === '\u0000' ? 'nul' : 'lone-surrogate';
}

export interface UnstorableText {
	/** Where the string is: object keys and array indexes from the root (empty for the root itself). */
	path: (string | number)[];
	problem: UnstorableProblem;
}

interface Visit {
	value: unknown;
	parent: Visit | null;
	key: string | number | null;
}

function pathOf(visit: Visit): (string | number)[] {
	const path: (string | number)[] = [];
	for (let at: Visit | null = visit; at && at.key !== null; at = at.parent) path.push(at.key);
	return path.reverse();
}

/**
 * The first string (value or object key) in a JSON value that a database cannot store, or null.
 * Iterative: a body nested thousands of levels deep must not overflow the stack.
 */
export function findUnstorableText(value: unknown): UnstorableText | null {
	const stack: Visit[] = [{ value, parent: null, key: null }];
	while (stack.length > 0) {
		const visit = stack.pop()!;
		const current = visit.value;
		if (typeof current === 'string') {
			const problem = unstorableProblem(current);
			if (problem) return { path: pathOf(visit), problem };
		} else if (Array.isArray(current)) {
			for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], parent: visit, key: i });
		} else if (typeof current === 'object' && current !== null) {
			const keys = Object.keys(current);
			for (let i = keys.length - 1; i >= 0; i--) {
				const key = keys[i]!;
				const problem = unstorableProblem(key);
				// The object holding the key is named, not the key: it is the text that cannot be stored.
				if (problem) return { path: pathOf(visit), problem };
				stack.push({ value: (current as Record<string, unknown>)[key], parent: visit, key });
			}
		}
	}
	return null;
}

/** The sentence a refusal uses: what is wrong with the text, and where. */
export function describeUnstorable(found: UnstorableText, where = 'The text'): string {
	const field = found.path.length > 0 ? ` (in ${found.path.join('.')})` : '';
	return found.problem === 'nul'
		? `${where}${field} contains a NUL character (U+0000), which cannot be stored. Remove it and send it again.`
		: `${where}${field} contains an unpaired UTF-16 surrogate (not a Unicode character), which cannot be stored. Correct the text and send it again.`;
}
