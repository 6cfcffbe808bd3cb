import { registerMemoryFileSystem } from './memory-file-system.js';

export { MemoryFileSystem, registerMemoryFileSystem, type MemoryFileSystemOptions } from './memory-file-system.js';

registerMemoryFileSystem();
