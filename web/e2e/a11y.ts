import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * No serious or critical axe-core violation on the page once it settles: a button just clicked
 * is mid-way through its colour transition, and axe would measure the contrast of a blend.
 */
export async function checkA11y(page: Page, name: string): Promise<void> {
  // A cancelled animation (its element re-rendered away) rejects `finished`: it has settled too.
  await page.evaluate(() =>
    Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined))),
  );
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
  expect(
    bad.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
    `axe on ${name}`,
  ).toEqual([]);
}
