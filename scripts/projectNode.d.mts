export declare const projectRoot: string;
export declare function nodePackageDir(): string;
export declare function projectNodeBin(): string;
export declare function isInheritedNodeVariable(name: string): boolean;
export declare function envWithProjectNode(extra?: Record<string, string>, base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
