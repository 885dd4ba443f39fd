// Reads a signed registration request from a body in any of its encodings: reg.txt text or the
// portal URL of its QR code, as text/plain, a multipart upload (field `file`), or JSON `{ request }`.
import { signedRequestBodySchema } from '$lib/protocol/api';
import { MAX_REG_FILE_CHARS, type RegistrationRequest } from '$lib/protocol/reg-file';
import { parseSignedRequestText } from '../activation/signed-request';
import { DomainError } from '../errors';
import { readBodyBytes, readJson, readText, requireMediaType, requireStorableText } from './body';

/** Room for a reg.txt plus multipart framing. */
export const SIGNED_REQUEST_BODY_LIMIT = MAX_REG_FILE_CHARS + 4096;

export async function readSignedRequest(
	request: Request,
	{ allowUpload }: { allowUpload: boolean }
): Promise<RegistrationRequest> {
	const type = requireMediaType(
		request,
		allowUpload ? ['application/json', 'text/plain', 'multipart/form-data'] : ['application/json']
	);
	if (type === 'application/json') {
		const body = await readJson(request, signedRequestBodySchema, SIGNED_REQUEST_BODY_LIMIT);
		return parseSignedRequestText(body.request);
	}
	if (type === 'text/plain')
		return parseSignedRequestText(await readText(request, SIGNED_REQUEST_BODY_LIMIT));
	// multipart: read the bounded bytes first, then let the platform parse the form from them.
	const bytes = await readBodyBytes(request, SIGNED_REQUEST_BODY_LIMIT);
	let file: FormDataEntryValue | null;
	try {
		file = (
			await new Response(bytes as Uint8Array<ArrayBuffer>, {
				headers: { 'content-type': request.headers.get('content-type')! }
			}).formData()
		).get('file');
	} catch {
		throw new DomainError({
			code: 'invalid_body',
			message: 'The upload could not be read. Choose the reg.txt file again.'
		});
	}
	if (file === null)
		throw new DomainError({
			code: 'invalid_body',
			field: 'file',
			message: 'Choose a reg.txt file to upload.'
		});
	const text = typeof file === 'string' ? file : await file.text();
	requireStorableText(text, 'file');
	return parseSignedRequestText(text);
}
