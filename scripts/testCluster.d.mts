export declare const clusterMain: string;
export declare function freePort(): Promise<number>;
export interface ClusterProcess {
  readonly kubeconfigPath: string;
  /** The cluster's control endpoint, e.g. http://127.0.0.1:PORT */
  readonly controlUrl: string;
  readonly logFile: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}
export declare function startClusterProcess(options: {
  kubeconfigPath: string;
  logFile: string;
  controlPort?: number;
  timeoutMs?: number;
}): Promise<ClusterProcess>;
