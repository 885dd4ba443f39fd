// The camera, where a platform has one (browsers): it reads QR codes — a license file coming back
// across the air gap, or a request on the portal's phone. The core never touches a camera itself; the
// License Manager gives its BarcodeDetector scanner, and tests give the twin (testing/scripted-camera).

/** Why the camera could not start: none on this device (or no API), or the user said no. */
export type CameraError = 'camera_unavailable' | 'camera_denied';

export interface QrScan {
	/** Stops reading and releases the camera. */
	stop(): void;
}

/**
 * A QR code reader. `view` is where the platform shows the camera's picture (a `<video>` in a
 * browser). `onCode` is called once for each distinct text read.
 */
export interface QrCamera<View> {
	start(view: View, onCode: (text: string) => void): Promise<QrScan | { error: CameraError }>;
}
