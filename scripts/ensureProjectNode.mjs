// postinstall: the project's Node 24 is still there after every `npm install`, not only the first (see
// ensureProjectNode in projectNode.mjs, which every other use of the binary also goes through).
import { pathToFileURL } from 'node:url';
import { ensureProjectNode } from './projectNode.mjs';

export { ensureProjectNode };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    ensureProjectNode();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
