import {
  AccessDeniedError,
  FileAlreadyExistsError,
  FileNotFoundError,
  IOError,
  ParentNotDirectoryError,
  PathIsNotEmptyDirectoryError,
} from '../errors.js';
import type { Path } from '../path.js';

export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/**
 * The hadoopfs error for a Node fs error met while doing `operation` on `path`. The cause is kept, but
 * the message names our path, not the backend's native one.
 */
export function translateErrno(error: unknown, operation: string, path: Path): Error {
  if (error instanceof IOError) return error;
  const code = errnoOf(error);
  const where = path.toString();
  const options = { path: where, cause: error };
  switch (code) {
    case 'ENOENT':
      return new FileNotFoundError(`${operation}: no such file or directory: ${where}`, options);
    case 'EEXIST':
      return new FileAlreadyExistsError(`${operation}: already exists: ${where}`, options);
    case 'ENOTDIR':
      return new ParentNotDirectoryError(`${operation}: a parent of ${where} is not a directory`, options);
    case 'ENOTEMPTY':
      return new PathIsNotEmptyDirectoryError(`${operation}: directory is not empty: ${where}`, options);
    case 'EACCES':
    case 'EPERM':
      return new AccessDeniedError(`${operation}: permission denied: ${where}`, options);
    default: {
      const reason = error instanceof Error ? error.message : String(error);
      return new IOError(`${operation} failed for ${where}: ${reason}`, code ?? 'EIO', options);
    }
  }
}
