// Cross-site request refusal for the API. A state-changing request must say where it comes from
// (Origin, which browsers send with every POST/PUT/PATCH/DELETE, or Sec-Fetch-Site) and that must
// be this server. This holds for every content type — text/plain and forms included, which a
// hostile page can send without a CORS preflight — and a request with neither header is refused.
//
// "This server" is the configured public origin (ORIGIN), or the origin the request was sent to
// (this server's scheme with the Host header): a page on another site cannot make a browser send our
// Host header with its own Origin. The whole origin is compared — scheme, host and port.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isCrossSiteRequest(request: Request, url: URL): boolean {
	if (SAFE_METHODS.has(request.method.toUpperCase())) return false;
	const origin = request.headers.get('origin');
	if (origin !== null) {
		if (origin === url.origin) return false;
		const host = request.headers.get('host');
		// "null" or garbage never equals an origin we serve.
		return host === null || origin !== `${url.protocol}//${host}`;
	}
	return request.headers.get('sec-fetch-site') !== 'same-origin';
}
