// Registers Check Before Enrolling… and Restart Uncaptured Workloads. Targets are resolved as Enroll's
// are: the selected namespace node(s) (any clusters), or contexts then namespace names picked.
import * as vscode from 'vscode';
import { guarded } from './guarded';
import type { CommandDeps } from './host';
import { checkBeforeEnrolling, PREFLIGHT_TITLE, type PreflightViews } from './preflight';
import { asNamespaceRef, pickContexts, pickNamespaceNames, refsFromArgs } from './pickers';
import type { NamespaceRef } from './namespacePlan';
import { RESTART_UNCAPTURED_TITLE, restartUncapturedWorkloads } from './restartUncaptured';
import { PREFLIGHT_COMMANDS } from '../shared/commandIds';


/** The selected nodes, or contexts and namespace names picked (the same names on each context). */
async function multiClusterTargets(deps: CommandDeps, args: readonly unknown[], title: string): Promise<NamespaceRef[] | undefined> {
  const fromNodes = refsFromArgs(args, asNamespaceRef);
  if (fromNodes.length > 0) return fromNodes;
  const contexts = await pickContexts(deps, title);
  if (!contexts) return undefined;
  const names = await pickNamespaceNames(deps, contexts, title);
  return names ? contexts.flatMap((context) => names.map((namespace) => ({ context, namespace }))) : undefined;
}

export function registerPreflightCommands(deps: CommandDeps & { views: PreflightViews }): vscode.Disposable[] {
  const register = <R>(id: string, title: string, handler: (targets: NamespaceRef[]) => Promise<R>) =>
    vscode.commands.registerCommand(
      id,
      guarded(deps, title, async (...args: unknown[]) => {
        const targets = await multiClusterTargets(deps, args, title);
        return targets ? handler(targets) : undefined;
      }),
    );
  return [
    register(PREFLIGHT_COMMANDS.preflight, `${PREFLIGHT_TITLE}…`, (targets) => checkBeforeEnrolling(deps, targets)),
    register(PREFLIGHT_COMMANDS.restartUncaptured, RESTART_UNCAPTURED_TITLE, (targets) => restartUncapturedWorkloads(deps, targets)),
  ];
}
