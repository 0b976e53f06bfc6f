/** What the file system said, in the words a user of a command line expects, keyed by Node's error code. */
const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  // A path through a file ("report.csv/x") names no file either.
  ENOTDIR: 'no such file',
};

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/**
 * The one line a failure prints after "pca: ". A file-system error names the
 * problem and the path ("no such file: /tmp/x.csv"), not Node's
 * "ENOENT: no such file or directory, open …".
 */
export function failMessage(error: unknown): string {
  if (isErrno(error) && error.path !== undefined) {
    const problem = FILE_PROBLEMS[error.code!];
    if (problem) return `${problem}: ${error.path}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}
