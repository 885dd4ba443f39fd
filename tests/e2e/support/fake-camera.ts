// A Y4M video showing a QR code, for Chromium's fake camera (--use-file-for-fake-video-capture):
// the real camera path of the app, fed with a code it must read.
import { chromium, type Browser, type TestInfo } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import QRCode from 'qrcode';

const WIDTH = 640;
const HEIGHT = 480;

export function writeQrVideo(path: string, text: string): void {
	const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
	const size = qr.modules.size;
	const scale = Math.floor((HEIGHT - 40) / (size + 8));
	const left = Math.floor((WIDTH - (size + 8) * scale) / 2);
	const top = Math.floor((HEIGHT - (size + 8) * scale) / 2);
	const luma = Buffer.alloc(WIDTH * HEIGHT, 235);
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			if (!qr.modules.get(y, x)) continue;
			for (let dy = 0; dy < scale; dy++) {
				const row = (top + (y + 4) * scale + dy) * WIDTH;
				luma.fill(16, row + left + (x + 4) * scale, row + left + (x + 5) * scale);
			}
		}
	}
	const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2), 128);
	const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
	writeFileSync(
		path,
		Buffer.concat([
			Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F5:1 Ip A1:1 C420jpeg\n`),
			...Array(5).fill(frame)
		])
	);
}

/**
 * A Chromium of the test's own whose camera shows `video` (rewrite it with writeQrVideo to show
 * another code), with the camera permission granted.
 */
export function launchWithFakeCamera(testInfo: TestInfo, video: string): Promise<Browser> {
	const launchOptions = testInfo.project.use.launchOptions ?? {};
	return chromium.launch({
		...launchOptions,
		args: [
			...(launchOptions.args ?? []),
			'--use-fake-ui-for-media-stream',
			'--use-fake-device-for-media-stream',
			`--use-file-for-fake-video-capture=${video}`
		]
	});
}
