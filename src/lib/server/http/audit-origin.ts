import type { RequestEvent } from '@sveltejs/kit';
import type { AuditOrigin } from '../audit/audit.service';
import { NODE_NAME } from '../observability/logger';

/** Where a request came from (the address as ADDRESS_HEADER/XFF_DEPTH say) and this node. */
export function auditOriginOf(event: RequestEvent): AuditOrigin {
	return { clientAddress: event.getClientAddress(), node: NODE_NAME };
}
