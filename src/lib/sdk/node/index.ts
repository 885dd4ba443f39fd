// The client core's adapters for Node programs: a license store in a folder, files by path, and a
// fetch that keeps the session. `nodePlatform()` gives them together for openLicenses.
import { nodeFetch } from './fetch.js';
import { fileStorage, type FileStorageOptions } from './file-storage.js';
import { nodeFiles } from './files.js';
import { alwaysDurable } from '../platform/durability.js';

export { fileStorage, KEY_FILE, STORE_FILE, type FileStorageOptions } from './file-storage.js';
export { fileAt, nodeFiles } from './files.js';
export { nodeFetch } from './fetch.js';

/**
 * The storage (in `dir`), files and fetch of a Node program, for openLicenses. `dir` is a folder of
 * the program's own, e.g. `~/.config/<product>/licenses`.
 */
export async function nodePlatform(options: { dir: string; server: string } & FileStorageOptions) {
	return {
		storage: await fileStorage(options.dir, options),
		files: nodeFiles(),
		durability: alwaysDurable,
		fetch: nodeFetch(options.server),
		server: options.server
	};
}
