// Registers the enroll / remove / restart / identity commands. Each handler resolves its targets (tree
// node(s) or palette picks) and returns its report, so tests can run it with executeCommand.
import * as vscode from 'vscode';
import { guarded } from './guarded';
import type { CommandDeps } from './host';
import { copyPodIdentity } from './identity';
import {
  enrollAcrossClusters,
  enrollNamespaces,
  restartNamespaceWorkloads,
  restartWorkloads,
  unenrollNamespaces,
} from './namespaceCommands';
import { asNamespaceRef, asPodRef, asWorkloadRef, namespaceTargets, pickContexts, pickNamespaceNames, pickPod, pickWorkload, refsFromArgs } from './pickers';
import { targetsOf } from './target';
import { NAMESPACE_COMMANDS } from '../shared/commandIds';


export function registerNamespaceCommands(deps: CommandDeps): vscode.Disposable[] {
  const register = <R>(id: string, title: string, handler: (...args: unknown[]) => Promise<R>) =>
    vscode.commands.registerCommand(id, guarded(deps, title, handler));

  return [
    register(NAMESPACE_COMMANDS.enroll, 'Enroll in Ambient', async (...args) => {
      const targets = await namespaceTargets(deps, args, 'Enroll in Ambient', 'notAmbient');
      return targets ? enrollNamespaces(deps, targets) : undefined;
    }),
    register(NAMESPACE_COMMANDS.unenroll, 'Remove from Ambient', async (...args) => {
      const targets = await namespaceTargets(deps, args, 'Remove from Ambient', 'ambient');
      return targets ? unenrollNamespaces(deps, targets) : undefined;
    }),
    register(NAMESPACE_COMMANDS.restartWorkloads, 'Restart Workloads', async (...args) => {
      const targets = await namespaceTargets(deps, args, 'Restart Workloads', 'any');
      return targets ? restartNamespaceWorkloads(deps, targets) : undefined;
    }),
    register(NAMESPACE_COMMANDS.enrollAcrossClusters, 'Enroll in Ambient on Clusters', async (...args) => {
      const title = 'Enroll in Ambient on Clusters…';
      // From a namespace node: its name(s) are the namespaces; the contexts are always picked.
      const names = [...new Set(refsFromArgs(args, asNamespaceRef).map((r) => r.namespace))];
      // Pre-ticked: only the contexts of the rows the user started from (none from the palette).
      const startedFrom = [...new Set(targetsOf(args).map((t) => t.context))];
      const contexts = await pickContexts(deps, title, names, startedFrom);
      if (!contexts) return undefined;
      const namespaces = names.length > 0 ? names : await pickNamespaceNames(deps, contexts, title);
      return namespaces ? enrollAcrossClusters(deps, contexts, namespaces) : undefined;
    }),
    register(NAMESPACE_COMMANDS.restartWorkload, 'Restart Workload', async (...args) => {
      const fromNodes = refsFromArgs(args, asWorkloadRef);
      const targets = fromNodes.length > 0 ? fromNodes : [await pickWorkload(deps, 'Restart Workload')].filter((w) => w !== undefined);
      return targets.length > 0 ? restartWorkloads(deps, targets) : undefined;
    }),
    register(NAMESPACE_COMMANDS.copyIdentity, 'Copy SPIFFE ID', async (...args) => {
      const [node] = args as [{ serviceAccount?: unknown } | undefined];
      const ref = refsFromArgs(args, asPodRef)[0] ?? (await pickPod(deps, 'Copy SPIFFE ID'));
      const serviceAccount = typeof node?.serviceAccount === 'string' ? node.serviceAccount : undefined;
      return ref ? copyPodIdentity(deps, ref, serviceAccount) : undefined;
    }),
  ];
}
