// The app's version as people read it: "0.1.0 · built 2026-12-01". The build's version name is
// "<package version>+<build time in ms>" (svelte.config.js); a bare number is a build time alone
// (SvelteKit's default, and servers built before the name carried the package version).

export function readableVersion(raw: string): string {
	const match = /^(?:(.+)\+)?(\d{12,})$/.exec(raw);
	if (!match) return raw;
	const built = new Date(Number(match[2]));
	if (Number.isNaN(built.getTime())) return raw;
	const date = built.toISOString().slice(0, 10);
	return match[1] ? `${match[1]} · built ${date}` : `built ${date}`;
}
