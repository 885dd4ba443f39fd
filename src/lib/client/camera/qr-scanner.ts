// Reads QR codes from the camera with the BarcodeDetector API, or its WebAssembly polyfill where the
// browser has none. The polyfill's WebAssembly file is bundled with the app (and so precached by the
// service worker): scanning works offline, and nothing is fetched from anyone else's server.
import { BarcodeDetector, prepareZXingModule } from 'barcode-detector/ponyfill';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { QrCamera } from '$lib/sdk/platform/camera';

let prepared = false;

function detector(): BarcodeDetector {
	if (!prepared) {
		prepareZXingModule({
			overrides: {
				locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path)
			}
		});
		prepared = true;
	}
	return new BarcodeDetector({ formats: ['qr_code'] });
}

export type { CameraError, QrScan } from '$lib/sdk/platform/camera';

/**
 * Starts the camera into `video` and calls `onCode` with each QR code text seen (the same code is
 * reported once). Fails with a reason the page can explain.
 */
export const startQrScan: QrCamera<HTMLVideoElement>['start'] = async (video, onCode) => {
	if (!navigator.mediaDevices?.getUserMedia) return { error: 'camera_unavailable' };
	let stream: MediaStream;
	try {
		stream = await navigator.mediaDevices.getUserMedia({
			video: { facingMode: 'environment' },
			audio: false
		});
	} catch (error) {
		return {
			error:
				error instanceof DOMException && error.name === 'NotAllowedError'
					? 'camera_denied'
					: 'camera_unavailable'
		};
	}
	video.srcObject = stream;
	await video.play();
	const reader = detector();
	const seen = new Set<string>();
	let running = true;
	const tick = async () => {
		if (!running) return;
		try {
			for (const code of await reader.detect(video)) {
				if (!seen.has(code.rawValue)) {
					seen.add(code.rawValue);
					onCode(code.rawValue);
				}
			}
		} catch {
			// A frame that cannot be read (the video is still starting): try the next one.
		}
		if (running) setTimeout(() => void tick(), 150);
	};
	void tick();
	return {
		stop() {
			running = false;
			for (const track of stream.getTracks()) track.stop();
			video.srcObject = null;
		}
	};
};
