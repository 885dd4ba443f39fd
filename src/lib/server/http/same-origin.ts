// Cross-site request refusal for the API. A state-changing request must say where it comes from
// (Origin, which browsers send with every POST/PUT/PATCH/DELETE, or Sec-Fetch-Site) and that must
// be this server. This holds for every content type — text/plain and forms included, which a
// hostile page can send without a CORS preflight — and a request with neither header is refused.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isCrossSiteRequest(request: Request, url: URL): boolean {
	if (SAFE_METHODS.has(request.method.toUpperCase())) return false;
	const origin = request.headers.get('origin');
	if (origin !== null) return origin !== url.origin;
	const site = request.headers.get('sec-fetch-site');
	return site !== 'same-origin';
}
