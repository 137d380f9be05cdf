// Resource URIs of the extension's own scheme, one per namespace node, so a FileDecorationProvider can
// give the node a real badge letter and colour. They never resolve to content.
import * as vscode from 'vscode';

export const NODE_URI_SCHEME = 'ambient-mesh';

export function namespaceUri(context: string, namespace: string): vscode.Uri {
  return vscode.Uri.from({ scheme: NODE_URI_SCHEME, path: `/namespace/${encodeURIComponent(context)}/${encodeURIComponent(namespace)}` });
}

export function parseNamespaceUri(uri: vscode.Uri): { context: string; namespace: string } | undefined {
  if (uri.scheme !== NODE_URI_SCHEME) return undefined;
  const match = /^\/namespace\/([^/]+)\/([^/]+)$/.exec(uri.path);
  return match ? { context: decodeURIComponent(match[1]), namespace: decodeURIComponent(match[2]) } : undefined;
}
