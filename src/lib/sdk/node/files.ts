// Files in Node: a program names the paths itself, so "open" reads the paths it is given and "save"
// writes where it is told (atomically: a temporary file renamed over the old one).
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { FileAccess, PickedFile } from '../platform/files.js';

/** A file on disk as the core reads picked files. */
export async function fileAt(path: string): Promise<PickedFile> {
	const info = await stat(path);
	return { name: basename(path), size: info.size, text: () => readFile(path, 'utf8') };
}

/**
 * `paths` answers the core's "open" (a program passes the files its user named); "save" writes into
 * `saveDir` under the suggested name, or to the path `saveAs` gives.
 */
export function nodeFiles(
	options: { paths?: () => string[]; saveDir?: string; saveAs?: (name: string) => string } = {}
): FileAccess {
	return {
		async open() {
			return Promise.all((options.paths?.() ?? []).map(fileAt));
		},
		async save(name, text) {
			const path = options.saveAs?.(name) ?? resolve(options.saveDir ?? '.', name);
			await writeFileAtomic(path, text);
		}
	};
}
