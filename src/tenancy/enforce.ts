import { AppError } from '../errors.js';
import type { FeatureFlag, Features, QuotaName, Quotas } from './policy.js';

/** Refuses creating `adding` more of a thing when it would pass the organisation's quota. */
export function assertWithinQuota(quotas: Quotas, quota: QuotaName, usage: number, adding = 1): void {
  const limit = quotas[quota];
  if (usage + adding > limit) {
    throw new AppError('quota-exceeded', `This would exceed the organisation's ${quota} quota (${limit}).`, {
      quota,
      limit,
      usage,
    });
  }
}

export function assertFeature(features: Features, feature: FeatureFlag): void {
  if (!features[feature]) {
    throw new AppError('feature-disabled', `The feature "${feature}" is not enabled for this organisation.`, {
      feature,
    });
  }
}
