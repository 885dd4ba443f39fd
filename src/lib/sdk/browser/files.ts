// Files in browsers: the File System Access pickers where the browser has them, the file input and a
// download otherwise (browser-fs-access chooses).
import { fileOpen, fileSave } from 'browser-fs-access';
import type { FileAccess } from '../platform/files.js';

export function browserFiles(): FileAccess {
	return {
		async open({ extensions, description, multiple }) {
			try {
				const picked = await fileOpen({ multiple, extensions, description });
				return Array.isArray(picked) ? picked : [picked];
			} catch (error) {
				// The user closed the picker: nothing was chosen, which is not an error.
				if (error instanceof DOMException && error.name === 'AbortError') return [];
				throw error;
			}
		},
		async save(name, text, options = {}) {
			try {
				await fileSave(new Blob([text], { type: options.mimeType ?? 'text/plain' }), {
					fileName: name,
					extensions: options.extensions
				});
			} catch (error) {
				if (error instanceof DOMException && error.name === 'AbortError') return;
				throw error;
			}
		}
	};
}
