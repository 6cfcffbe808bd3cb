import { FileNotFoundError } from './errors.js';
import type { FileStatus } from './file-status.js';
import type { Path } from './path.js';

/** The status at a path, or undefined when nothing is there (any other failure is raised). */
export async function statOrUndefined(fs: { getFileStatus(path: Path): Promise<FileStatus> }, path: Path): Promise<FileStatus | undefined> {
  try {
    return await fs.getFileStatus(path);
  } catch (error) {
    if (error instanceof FileNotFoundError) return undefined;
    throw error;
  }
}
