// A vendor's page that only checks licenses (the License Manager activates them): what it imports
// from the packaged SDK, bundled as a vendor's bundler would, for the size budget.
import { openLicenseCheck } from 'airlock/sdk/check';
import { indexedDbReader } from 'airlock/sdk/browser';

const check = await openLicenseCheck({ storage: await indexedDbReader() });
const verdict = await check.check({ product: 'SRV' });
document.body.textContent = verdict.ok ? 'Licensed' : verdict.message;
