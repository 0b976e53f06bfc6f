/** Query parameters whose values never reach a log line (matched anywhere in the name, any case). */
const SENSITIVE = /token|key|pass|secret|code|sig|auth|session|otp|credential|cookie/i;

/** A request URL as it may be logged: values of sensitive query parameters replaced. */
export function redactUrlForLog(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  const params = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A malformed escape is logged as sent.
      }
      return equals !== -1 && SENSITIVE.test(decoded) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, query)}?${params.join('&')}`;
}
