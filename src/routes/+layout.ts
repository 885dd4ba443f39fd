// The License Manager runs entirely in the browser (it must open with no network at all), so every
// page is a static shell, prerendered at build time and precached by the service worker.
export const prerender = true;
export const ssr = false;
