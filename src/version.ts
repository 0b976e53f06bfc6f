import { readFileSync } from 'node:fs';

interface PackageJson {
  readonly name: string;
  readonly version: string;
}

/** package.json sits one level above both src/version.ts and dist/version.js. */
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as PackageJson;

export const PRODUCT_NAME = pkg.name;
export const PRODUCT_VERSION = pkg.version;
