// A signed registration request in either of its text forms: reg.txt, or the portal URL of its QR
// code. Both the HTTP routes and queued operations read requests through here.
import { parseRequestQr, REQUEST_FRAGMENT_PREFIX } from '$lib/protocol/qr-payload';
import { parseRegFile, type RegistrationRequest } from '$lib/protocol/reg-file';
import { DomainError } from '../errors';

export async function parseSignedRequestText(text: string): Promise<RegistrationRequest> {
	const trimmed = text.trim();
	const result =
		trimmed.includes(REQUEST_FRAGMENT_PREFIX) && !trimmed.includes('-----BEGIN')
			? await parseRequestQr(trimmed)
			: await parseRegFile(text);
	if (!result.ok) throw new DomainError(result.error);
	return result.request;
}
