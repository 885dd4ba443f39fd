// A request, license or emergency code as a QR code: SVG for a page, text for a terminal. The QR
// library is loaded only when a code is drawn.
export async function renderQr(text: string, format: 'svg' | 'terminal' = 'svg'): Promise<string> {
	const { default: QRCode } = await import('qrcode');
	return format === 'svg'
		? QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })
		: QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}
