// The armored text block shared by reg.txt and .license4d files:
//
//   (free text, ignored)
//   -----BEGIN <LABEL>-----
//   Name: value            ← fields, in the fixed order of the format, one per line
//   …
//   Signature: <base64url>
//   -----END <LABEL>-----
//   (free text, ignored)
//
// What is signed is the domain line and every field line before Signature, exactly as written:
// UTF-8(domain + "\n" + line₁ + "\n" + … + lineₙ + "\n"). The parser accepts only the canonical
// form (so the bytes it verifies are the bytes it read), except that CRLF line ends — which a trip
// through another operating system may add — are read as LF.
import { decodeBase64url } from './base64url.js';
import { utf8 } from './bytes.js';
import { SIGNATURE_BYTES } from './ed25519.js';

export interface FieldRule {
	name: string;
	/** How many lines of this field may appear (a field with max > 1 repeats on consecutive lines). */
	min: number;
	max: number;
	pattern: RegExp;
}

export interface ArmorSpec {
	label: string;
	/** Signature domain, e.g. `airlock/license/v1`: a signature for one format never verifies as another. */
	domain: string;
	/** The first field is always `Format` with this exact value. */
	format: string;
	fields: readonly FieldRule[];
	maxChars: number;
}

export type ArmorErrorCode = 'too_large' | 'not_armored' | 'wrong_type' | 'unsupported_version' | 'malformed';

export interface ArmorError {
	code: ArmorErrorCode;
	/** The field at fault, for `malformed`. */
	field?: string;
	/** The label found instead, for `wrong_type`. */
	foundLabel?: string;
	detail: string;
}

export interface ArmorContent {
	values: ReadonlyMap<string, readonly string[]>;
	signedBytes: Uint8Array;
	signature: Uint8Array;
}

const ARMOR_LINE = /^-----(BEGIN|END) ([A-Z0-9 ]{1,40})-----$/;
const FIELD_LINE = /^([A-Za-z][A-Za-z-]{0,30}): (.*)$/;

export function signedBytesOf(spec: ArmorSpec, lines: readonly string[]): Uint8Array {
	return utf8(`${spec.domain}\n${lines.map((line) => `${line}\n`).join('')}`);
}

/** The field lines of a block, in order: `Format` first, then each field's values. */
export function fieldLines(spec: ArmorSpec, values: ReadonlyMap<string, readonly string[]>): string[] {
	const lines = [`Format: ${spec.format}`];
	for (const rule of spec.fields)
		for (const value of values.get(rule.name) ?? []) lines.push(`${rule.name}: ${value}`);
	return lines;
}

export function writeArmor(
	spec: ArmorSpec,
	lines: readonly string[],
	signature: string,
	preamble: string
): string {
	const block = [
		`-----BEGIN ${spec.label}-----`,
		...lines,
		`Signature: ${signature}`,
		`-----END ${spec.label}-----`
	];
	return `${preamble}${block.join('\n')}\n`;
}

function malformed(field: string, detail: string): { ok: false; error: ArmorError } {
	return { ok: false, error: { code: 'malformed', field, detail } };
}

export function readArmor(
	text: string,
	spec: ArmorSpec
): { ok: true; content: ArmorContent } | { ok: false; error: ArmorError } {
	if (text.length > spec.maxChars) {
		return { ok: false, error: { code: 'too_large', detail: `larger than ${spec.maxChars} characters` } };
	}
	const lines = text.replace(/\r\n/g, '\n').split('\n');
	const begin = lines.findIndex((line) => ARMOR_LINE.test(line) && line.startsWith('-----BEGIN'));
	if (begin < 0) return { ok: false, error: { code: 'not_armored', detail: 'no BEGIN line' } };
	const label = ARMOR_LINE.exec(lines[begin]!)![2]!;
	if (label !== spec.label) {
		return { ok: false, error: { code: 'wrong_type', foundLabel: label, detail: `found ${label}` } };
	}
	const end = lines.indexOf(`-----END ${spec.label}-----`, begin + 1);
	if (end < 0) return { ok: false, error: { code: 'not_armored', detail: 'no END line' } };
	const body = lines.slice(begin + 1, end);

	const first = body[0] ?? '';
	if (!first.startsWith('Format: ')) return malformed('Format', 'the first line must be Format');
	if (first !== `Format: ${spec.format}`) {
		return { ok: false, error: { code: 'unsupported_version', detail: first.slice('Format: '.length, 80) } };
	}

	const values = new Map<string, string[]>();
	let index = 1;
	for (const rule of spec.fields) {
		const found: string[] = [];
		while (index < body.length && found.length <= rule.max) {
			const match = FIELD_LINE.exec(body[index]!);
			if (!match || match[1] !== rule.name) break;
			if (found.length === rule.max) return malformed(rule.name, `at most ${rule.max} ${rule.name} lines`);
			if (!rule.pattern.test(match[2]!)) return malformed(rule.name, `not a valid ${rule.name}`);
			found.push(match[2]!);
			index++;
		}
		if (found.length < rule.min) return malformed(rule.name, `${rule.name} is missing`);
		values.set(rule.name, found);
	}
	const signatureLine = FIELD_LINE.exec(body[index] ?? '');
	if (!signatureLine || signatureLine[1] !== 'Signature') {
		const name = FIELD_LINE.exec(body[index] ?? '')?.[1] ?? 'line';
		return malformed(name, `unexpected ${name} line ${index + 1}`);
	}
	if (index !== body.length - 1) return malformed('Signature', 'Signature must be the last line');
	const signature = decodeBase64url(signatureLine[2]!);
	if (!signature || signature.length !== SIGNATURE_BYTES)
		return malformed('Signature', 'not a 64-byte signature');
	return { ok: true, content: { values, signedBytes: signedBytesOf(spec, body.slice(0, index)), signature } };
}
