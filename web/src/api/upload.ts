import { ApiError, type Problem } from './problem';
import { currentAccessToken, refreshAccessToken } from './session';
import type { Dataset } from './types';

/** XHR, not fetch: only XHR reports upload progress. */
function send(file: File, onProgress: (fraction: number) => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/datasets');
    xhr.setRequestHeader('authorization', `Bearer ${currentAccessToken() ?? ''}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      let body: unknown = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = {};
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error('The upload failed: the connection was lost.'));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

export async function uploadDataset(file: File, onProgress: (fraction: number) => void): Promise<Dataset> {
  let result = await send(file, onProgress);
  if (result.status === 401 && (await refreshAccessToken())) result = await send(file, onProgress);
  if (result.status !== 201) throw new ApiError(result.status, result.body as Partial<Problem>);
  return result.body as Dataset;
}
