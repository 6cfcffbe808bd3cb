/**
 * One error hierarchy for every backend. Each class carries the errno-style `code` that Node's own fs
 * errors use, so code written against node:fs can branch on `err.code` unchanged, while code written
 * against Hadoop can branch on the class (strict exceptions: the exact subclass, never a bare IOError).
 */

export interface IOErrorOptions {
  /** The path the failed operation was about, when there is one. */
  path?: string;
  cause?: unknown;
}

export class IOError extends Error {
  override name = 'IOError';
  /** errno-style code (`ENOENT`, `EEXIST`, …), as on Node's fs errors. */
  readonly code: string;
  readonly path: string | undefined;

  constructor(message: string, code = 'EIO', options: IOErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
  }
}

export class FileNotFoundError extends IOError {
  override name = 'FileNotFoundError';
  constructor(message: string, options: IOErrorOptions = {}, code = 'ENOENT') {
    super(message, code, options);
  }
}

/** Opening a directory for reading: Hadoop raises FileNotFoundException, Node says EISDIR; we are both. */
export class PathIsDirectoryError extends FileNotFoundError {
  override name = 'PathIsDirectoryError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, options, 'EISDIR');
  }
}

export class FileAlreadyExistsError extends IOError {
  override name = 'FileAlreadyExistsError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'EEXIST', options);
  }
}

export class ParentNotDirectoryError extends IOError {
  override name = 'ParentNotDirectoryError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'ENOTDIR', options);
  }
}

export class PathIsNotEmptyDirectoryError extends IOError {
  override name = 'PathIsNotEmptyDirectoryError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'ENOTEMPTY', options);
  }
}

export class EOFError extends IOError {
  override name = 'EOFError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'EOF', options);
  }
}

/** Hadoop's IllegalArgumentException where a caller's argument is wrong (a builder's unknown must() key). */
export class IllegalArgumentError extends IOError {
  override name = 'IllegalArgumentError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'EINVAL', options);
  }
}

export class UnsupportedOperationError extends IOError {
  override name = 'UnsupportedOperationError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'ENOTSUP', options);
  }
}

export class AlreadyBeingCreatedError extends IOError {
  override name = 'AlreadyBeingCreatedError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'EBUSY', options);
  }
}

/** A write, flush or close on a stream whose lease was taken away (recovered or aborted by another party). */
export class LeaseExpiredError extends IOError {
  override name = 'LeaseExpiredError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'ESTALE', options);
  }
}

/** Use of a stream or FileSystem after close(). */
export class ClosedError extends IOError {
  override name = 'ClosedError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'EBADF', options);
  }
}

/** The store refused the caller's credentials or permissions (Hadoop's AccessControlException). */
export class AccessDeniedError extends IOError {
  override name = 'AccessDeniedError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'EACCES', options);
  }
}

/** Bytes that do not match their checksum (Hadoop's ChecksumException): corrupted on the wire or at rest. */
export class ChecksumError extends IOError {
  override name = 'ChecksumError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'EBADMSG', options);
  }
}

/**
 * The file changed while a stream was reading it (Hadoop's RemoteFileChangedException): what was read
 * and what would be read next belong to different versions, so the stream stops instead of mixing them.
 */
export class RemoteFileChangedError extends IOError {
  override name = 'RemoteFileChangedError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'ESTALE', options);
  }
}

/**
 * A call stopped because its AbortSignal fired (Node's name and code, `ABORT_ERR`; `cause` is the signal's
 * reason). What the call had done before it stopped stays as a failed call leaves it; a stream aborted by
 * its signal published nothing.
 */
export class AbortError extends IOError {
  override name = 'AbortError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'ABORT_ERR', options);
  }
}

/** A path that cannot name anything: bad syntax, `.`/`..` elements, control characters, wrong scheme. */
export class InvalidPathError extends IOError {
  override name = 'InvalidPathError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'EINVAL', options);
  }
}

/** A broken configuration: malformed XML, a value that does not parse, a missing required key. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
  readonly code = 'ERR_HADOOPFS_CONFIGURATION';
  /** The resource (file name) and 1-based line the problem was found at, when known. */
  readonly resource: string | undefined;
  readonly line: number | undefined;
  readonly key: string | undefined;

  constructor(message: string, details: { resource?: string; line?: number; key?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.resource = details.resource;
    this.line = details.line;
    this.key = details.key;
  }
}
