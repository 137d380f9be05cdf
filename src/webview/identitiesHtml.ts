// The verify panels' HTML: CSP `default-src 'none'`, the app bundle only with a fresh nonce, every URL
// through asWebviewUri. The app renders all content with textContent (cluster data is data).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { VerifyPanelKind } from './identitiesProtocol';

export function verifyHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: VerifyPanelKind): string {
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
<link rel="stylesheet" href="${asset('media', 'identities.css')}">
<title>Ambient Mesh</title>
</head>
<body data-kind="${kind}">
<main id="root"><p class="muted">Loading…</p></main>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'identities.js')}"></script>
</body>
</html>`;
}
