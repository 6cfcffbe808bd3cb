import { registerMemoryFileSystem } from './memory-file-system.js';

export {
  MEMORY_SEMANTICS_KEY,
  MemoryFileSystem,
  registerMemoryFileSystem,
  type MemoryFileSystemOptions,
  type MemorySemantics,
  type MemoryFiles,
  type MemorySnapshot,
} from './memory-file-system.js';

registerMemoryFileSystem();
