// An AuthorizationPolicy as a read-only YAML document (`ambient-policy:` scheme), read from its cluster
// when opened: what `kubectl get authorizationpolicy -o yaml` shows, without managedFields.
import * as vscode from 'vscode';
import { guarded, type GuardDeps } from '../commands/guarded';
import type { KubeClients } from '../kube/types';
import { AUTHORIZATION_POLICIES } from '../mesh/authorizationPolicy';
import { listServed } from '../mesh/policyRead';
import { messageOf } from '../mesh/problems';
import { POLICY_COMMANDS } from '../shared/commandIds';
import { toYaml } from '../shared/yaml';

export const POLICY_SCHEME = 'ambient-policy';
export const OPEN_POLICY_COMMAND = POLICY_COMMANDS.open;

export interface PolicyRef {
  readonly context: string;
  readonly namespace: string;
  readonly name: string;
}

export function policyUri(ref: PolicyRef): vscode.Uri {
  // The context goes in the query: kube context names may hold characters a path segment cannot.
  return vscode.Uri.from({ scheme: POLICY_SCHEME, path: `/${ref.namespace}/${ref.name}.yaml`, query: new URLSearchParams({ context: ref.context }).toString() });
}

function refOf(uri: vscode.Uri): PolicyRef | undefined {
  const m = /^\/([^/]+)\/([^/]+)\.yaml$/.exec(uri.path);
  const context = new URLSearchParams(uri.query).get('context');
  return m && context ? { context, namespace: m[1]!, name: m[2]! } : undefined;
}

export class PolicyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly registration: vscode.Disposable;

  constructor(private readonly kube: Pick<KubeClients, 'client'>) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(POLICY_SCHEME, this);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = refOf(uri);
    if (!ref) return '# Not an AuthorizationPolicy address.\n';
    try {
      const found = (await listServed(this.kube.client(ref.context), AUTHORIZATION_POLICIES, ref.namespace)).find((p) => p.metadata?.name === ref.name);
      if (!found) return `# AuthorizationPolicy ${ref.namespace}/${ref.name} does not exist in ${ref.context} (any more).\n`;
      // managedFields is the server's bookkeeping: `kubectl get -o yaml` hides it by default too.
      const { managedFields: _managedFields, ...metadata } = (found.metadata ?? {}) as Record<string, unknown>;
      return toYaml({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', ...found, metadata });
    } catch (error) {
      return `# AuthorizationPolicy ${ref.namespace}/${ref.name} could not be read from ${ref.context}: ${messageOf(error)}\n`;
    }
  }

  async open(ref: PolicyRef): Promise<vscode.TextDocument> {
    const document = await vscode.workspace.openTextDocument(policyUri(ref));
    await vscode.languages.setTextDocumentLanguage(document, 'yaml');
    await vscode.window.showTextDocument(document, { preview: true });
    return document;
  }

  dispose(): void {
    this.registration.dispose();
  }
}

/** `ambient.policy.open`: from a policy row of the tree, or `{ context, namespace, name }`. */
export function registerPolicyCommands(documents: PolicyDocuments, deps: GuardDeps): vscode.Disposable[] {
  const open = async (argument?: unknown): Promise<vscode.TextDocument | undefined> => {
    const ref = argument as Partial<PolicyRef> | undefined;
    if (!ref || typeof ref.context !== 'string' || typeof ref.namespace !== 'string' || typeof ref.name !== 'string') {
      void deps.host.showMessage('error', 'Open Policy as YAML needs a policy: use it on an AuthorizationPolicy in the Clusters view.', {});
      return undefined;
    }
    return documents.open({ context: ref.context, namespace: ref.namespace, name: ref.name });
  };
  return [vscode.commands.registerCommand(OPEN_POLICY_COMMAND, guarded(deps, 'Open Policy as YAML', open))];
}
