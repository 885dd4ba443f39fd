// The admin CLI bundled for production (`npm run build`): build/admin/admin.js runs with the production
// dependencies alone — no tsx, no SvelteKit sync. Packages stay external: they come from node_modules.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
	resolve: { alias: { $lib: resolve(import.meta.dirname, 'src/lib') } },
	build: {
		ssr: resolve(import.meta.dirname, 'src/lib/server/admin/cli.ts'),
		outDir: 'build/admin',
		emptyOutDir: true,
		target: 'node20',
		minify: false,
		rolldownOptions: { output: { entryFileNames: 'admin.js', format: 'es' } }
	}
});
