import { registerLocalFileSystem } from './local-file-system.js';

export { LocalFileSystem, LOCAL_ROOT_KEY, registerLocalFileSystem } from './local-file-system.js';

registerLocalFileSystem();
