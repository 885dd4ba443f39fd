// The activation portal, on the phone (or any computer with internet): it reads the request the
// offline device made, sends it for the signed-in account, and hands back the license files as
// downloads and as QR codes for the offline device's camera. A request made while the phone itself
// is offline is kept and sent when it is back online.
import QRCode from 'qrcode';
import type { ApiError, IssuedLicense } from '$lib/protocol/api';
import { parseLicenseFile } from '$lib/protocol/license-file';
import { licenseBatchQrCodes, parseRequestQr, REQUEST_FRAGMENT_PREFIX } from '$lib/protocol/qr-payload';
import type { SignedLicense } from '$lib/protocol/license-file';
import { parseRegFile, type RegistrationRequest } from '$lib/protocol/reg-file';
import type { ServerApi } from '$lib/sdk/api/server-api';

export const PENDING_KEY = 'airlock-portal-pending-request';

export interface PortalRequest {
	/** What is sent to the server: the reg.txt text or the portal URL of the QR code. */
	text: string;
	request: RegistrationRequest;
}

export type PortalRead = { ok: true; value: PortalRequest } | { ok: false; error: ApiError };

/** The request in the page's own URL (opened from the QR code), if there is one. */
export async function requestFromUrl(href: string): Promise<PortalRead | null> {
	if (!href.includes(REQUEST_FRAGMENT_PREFIX)) return null;
	const result = await parseRequestQr(href);
	return result.ok ? { ok: true, value: { text: href, request: result.request } } : result;
}

/**
 * The request the portal opens with, and whether it goes on by itself: only the user's own pending
 * request does (the one they asked to activate while offline). A request that arrived in a link —
 * which anyone can send — always waits for the user to check it and press Activate.
 */
export async function openingRequest(
	href: string,
	pending: string | null
): Promise<{ read: PortalRead | null; resume: boolean }> {
	const fromUrl = await requestFromUrl(href);
	if (fromUrl) return { read: fromUrl, resume: fromUrl.ok && fromUrl.value.text === pending };
	if (pending === null) return { read: null, resume: false };
	const read = await requestFromFile(pending).then((file) => (file.ok ? file : requestFromUrl(pending)));
	return { read, resume: read?.ok ?? false };
}

export async function requestFromFile(text: string): Promise<PortalRead> {
	const result = await parseRegFile(text);
	return result.ok ? { ok: true, value: { text, request: result.request } } : result;
}

export interface PortalLicense {
	issued: IssuedLicense;
	productName: string;
	downloadUrl: string;
}

/** One code of the answer: every license file when they fit, else part i of n of a sequence. */
export interface PortalCode {
	svg: string;
	licenseNumbers: string[];
}

export interface PortalAnswer {
	licenses: PortalLicense[];
	codes: PortalCode[];
}

/** Each license file as a download, and all of them as one QR code or a sequence of codes. */
export async function presentLicenses(issued: IssuedLicense[]): Promise<PortalAnswer> {
	const licenses: PortalLicense[] = [];
	const signed: SignedLicense[] = [];
	for (const file of issued) {
		const parsed = parseLicenseFile(file.file);
		if (!parsed.ok) continue; // the server's own files always parse; never show one that does not
		signed.push(parsed.license);
		licenses.push({
			issued: file,
			productName: parsed.license.productName,
			downloadUrl: URL.createObjectURL(new Blob([file.file], { type: 'application/octet-stream' }))
		});
	}
	const codes: PortalCode[] = [];
	for (const code of licenseBatchQrCodes(signed))
		codes.push({
			svg: await QRCode.toString(code.text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }),
			licenseNumbers: code.licenseNumbers
		});
	return { licenses, codes };
}

export type PortalActivation =
	({ kind: 'done' } & PortalAnswer) | { kind: 'refused'; error: ApiError } | { kind: 'offline' };

export async function activateOnPortal(api: ServerApi, text: string): Promise<PortalActivation> {
	const answer = await api.deferred(text);
	if (answer.kind === 'unreachable') {
		localStorage.setItem(PENDING_KEY, text);
		return { kind: 'offline' };
	}
	// Answered: no longer pending — unless another request is (a link opened meanwhile).
	if (localStorage.getItem(PENDING_KEY) === text) localStorage.removeItem(PENDING_KEY);
	if (answer.kind === 'refused') return { kind: 'refused', error: answer.error };
	return { kind: 'done', ...(await presentLicenses(answer.value.licenses)) };
}
