// The camera's twin: it "reads" the texts it was given, in order, once each (as the real scanner
// reports a code once), or fails to start the way a device without a camera or a refusal does.
import type { CameraError, QrCamera } from '../platform/camera.js';

export interface ScriptedCamera extends QrCamera<unknown> {
	/** Whether a scan is running (started and not stopped). */
	readonly running: boolean;
}

export function scriptedCamera(
	texts: readonly string[],
	options: { error?: CameraError } = {}
): ScriptedCamera {
	let running = false;
	return {
		get running() {
			return running;
		},
		async start(_view, onCode) {
			if (options.error) return { error: options.error };
			running = true;
			const seen = new Set<string>();
			for (const text of texts) {
				if (!running) break;
				await Promise.resolve();
				if (seen.has(text)) continue;
				seen.add(text);
				onCode(text);
			}
			return {
				stop() {
					running = false;
				}
			};
		}
	};
}
