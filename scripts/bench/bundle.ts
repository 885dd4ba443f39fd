// Bundling a benchmark's page script as the app's bundler would: ES modules for today's browsers,
// minified, with SvelteKit's `$lib` alias resolved to src/lib.
import { build, type Metafile, type OutputFile } from 'esbuild';
import { fileURLToPath } from 'node:url';

const lib = fileURLToPath(new URL('../../src/lib', import.meta.url));

/** `splitting` (with an `outdir`) splits out what is imported lazily, as an app's bundler does. */
export async function browserBundle(
	entry: string,
	more: { splitting?: boolean; outdir?: string } = {}
): Promise<{ files: OutputFile[]; metafile: Metafile }> {
	const result = await build({
		entryPoints: [entry],
		bundle: true,
		format: 'esm',
		target: 'es2022',
		platform: 'browser',
		write: false,
		metafile: true,
		minify: true,
		plugins: [
			{
				name: 'sveltekit-lib',
				setup(b) {
					b.onResolve({ filter: /^\$lib\// }, async (args) =>
						b.resolve(`./${args.path.slice('$lib/'.length)}`, { resolveDir: lib, kind: args.kind })
					);
				}
			}
		],
		...more
	});
	return { files: result.outputFiles, metafile: result.metafile };
}
