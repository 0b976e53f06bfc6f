/** The public face of tenancy/: what other folders may import from it (docs/ARCHITECTURE.md, "Who may import whom"). */
export { assertWithinQuota, withOrganizationLock } from './enforce.js';
export {
  createOrganization,
  getOrganization,
  getOrganizationBySlug,
  listOrganizations,
  present,
  requireOrganization,
} from './organizations.js';
export type { Organization, OrgStatus, TenancyDeps } from './organizations.js';
export { DEFAULT_FEATURES } from './policy.js';
export type { FeatureFlag, Features } from './policy.js';
