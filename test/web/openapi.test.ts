import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

type Responses = Record<string, { $ref?: string }>;
interface Doc {
  paths: Record<
    string,
    Record<
      string,
      {
        responses: Responses;
        requestBody?: {
          content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }>;
        };
      }
    >
  >;
  components: {
    schemas: Record<string, { required?: string[] }>;
    responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }>;
  };
}

describe.each(BACKENDS)('the OpenAPI document a typed client is generated from [%s]', (backend) => {
  let t: TestApp;
  let doc: Doc;
  beforeAll(async () => {
    t = await createTestApp(backend);
    doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<Doc>();
  }, 60_000);
  afterAll(() => t.dispose());

  const statuses = (path: string, method: string) => Object.keys(doc.paths[path]?.[method]?.responses ?? {}).sort();

  it('documents problem+json errors once, as shared responses every operation refers to', () => {
    expect(doc.components.schemas.Problem?.required).toEqual(['type', 'title', 'status', 'detail', 'requestId']);
    expect(doc.components.responses.NotFound?.content['application/problem+json']?.schema.$ref).toBe(
      '#/components/schemas/Problem',
    );
    expect(doc.paths['/api/v1/analyses/{id}']?.get?.responses['404']).toEqual({
      $ref: '#/components/responses/NotFound',
    });
  });

  it('lists the statuses each operation can answer, from its shape and what it declares', () => {
    // A read with a path id: auth, permission, not found, a bad id, the anonymous rate limit.
    expect(statuses('/api/v1/analyses/{id}', 'get')).toEqual(['200', '401', '403', '404', '422', '429']);
    // A JSON body adds malformed, too large, wrong media type.
    expect(statuses('/api/v1/analyses', 'post')).toEqual(['201', '400', '401', '403', '413', '415', '422', '429']);
    // Declared conflicts: a taken username, MFA already on.
    expect(statuses('/api/v1/users', 'post')).toContain('409');
    expect(statuses('/api/v1/auth/mfa/setup', 'post')).toContain('409');
    expect(statuses('/api/v1/analyses', 'post')).not.toContain('409');
    // Sign-in is public yet answers 401 (wrong password, second factor) and 403 (a foreign browser origin).
    expect(statuses('/api/v1/auth/login', 'post')).toEqual(['200', '400', '401', '403', '413', '415', '422', '429']);
    // Logout answers 204, not 200.
    expect(statuses('/api/v1/auth/logout', 'post')).toEqual(['204', '401', '403', '429']);
  });

  it('documents the multipart upload body with its file and fields', () => {
    const body = doc.paths['/api/v1/datasets']?.post?.requestBody;
    const form = body?.content['multipart/form-data']?.schema;
    expect(Object.keys(form?.properties ?? {})).toEqual(['file', 'name', 'platform', 'sheet', 'currency', 'mapping']);
    expect(form?.required).toEqual(['file']);
    expect(form?.properties?.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(statuses('/api/v1/datasets', 'post')).toEqual(expect.arrayContaining(['413', '415', '422']));
    expect(
      doc.paths['/api/v1/budgets/upload']?.post?.requestBody?.content['multipart/form-data']?.schema.required,
    ).toEqual(['file']);
  });

  it('types the analysis result: totals are an array of per-currency rows', () => {
    const ok = doc.paths['/api/v1/analyses/{id}']?.get?.responses['200'] as unknown as {
      content: Record<string, { schema: unknown }>;
    };
    const schema = JSON.stringify(ok.content['application/json']?.schema);
    const result = JSON.parse(schema) as {
      allOf?: {
        properties?: Record<
          string,
          { properties?: Record<string, { type?: string; items?: { properties?: Record<string, unknown> } }> }
        >;
      }[];
    };
    const resultSchema = result.allOf?.flatMap((part) => (part.properties?.result ? [part.properties.result] : []))[0];
    expect(resultSchema?.properties?.totals?.type).toBe('array');
    expect(Object.keys(resultSchema?.properties?.totals?.items?.properties ?? {})).toEqual(
      expect.arrayContaining(['currency', 'spend', 'revenue', 'roas', 'cpa']),
    );
    expect(Object.keys(resultSchema?.properties ?? {})).toEqual(
      expect.arrayContaining(['breakdowns', 'timeSeries', 'periodOverPeriod', 'dateRange']),
    );
  });
});
