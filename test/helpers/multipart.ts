import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { HttpServer } from '../../src/server/http.js';
import { bearer, type Session } from './identity.js';

/** A multipart/form-data body with one file and some fields, as a browser would send it. */
export function multipart(
  file: { name: string; content: string | Buffer; type?: string } | undefined,
  fields: Record<string, string> = {},
  fileField = 'file',
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----pca${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${fileField}"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'text/csv'}\r\n\r\n`,
      ),
    );
    parts.push(typeof file.content === 'string' ? Buffer.from(file.content) : file.content);
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Uploads a CSV as `session` through the API, expects 201, and gives the new dataset's id. */
export async function uploadCsv(app: HttpServer, session: Session, name: string, content: string): Promise<string> {
  const body = multipart({ name, content });
  const uploaded = await app.inject({
    method: 'POST',
    url: '/api/v1/datasets',
    headers: { ...bearer(session.accessToken), ...body.headers },
    payload: body.payload,
  });
  expect(uploaded.statusCode).toBe(201);
  return uploaded.json<{ id: string }>().id;
}
