// Files in browsers: the File System Access pickers where the browser has them, the file input and a
// download otherwise (browser-fs-access chooses). It loads with the first file opened or saved, not
// with the page: only a click needs it (the page's service worker has it precached).
import type { FileAccess } from '../platform/files.js';

export function browserFiles(): FileAccess {
	return {
		async open({ extensions, description, multiple }) {
			try {
				const { fileOpen } = await import('browser-fs-access');
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
				const { fileSave } = await import('browser-fs-access');
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
