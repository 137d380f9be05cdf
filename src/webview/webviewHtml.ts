// The one HTML builder for every webview panel: CSP `default-src 'none'`, scripts only with a fresh nonce,
// resources only from the bundle and `media`, every URL through asWebviewUri. The apps render cluster data
// and log text with textContent: it is data, never markup.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  /** The document title (the panel's tab title is set on the panel). */
  readonly title: string;
  /** Stylesheet in `media/`. */
  readonly stylesheet: string;
  /** Browser bundle in `dist/webview/` (an entry of esbuild.mjs). */
  readonly script: string;
  /** Static markup the app takes over: its root element, with a placeholder until it renders. */
  readonly body: string;
}

/** Scripts on, and resources only from the webview bundle and `media`. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  // The toolkit's web components set style attributes: styles may be inline, scripts never.
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('media', page.stylesheet)}">
<title>${page.title}</title>
</head>
<body>
${page.body}
<script nonce="${nonce}" src="${asset('dist', 'webview', page.script)}"></script>
</body>
</html>`;
}
