export declare const CODE_SERVER_VERSION: string;
export declare const codeServerPrefix: string;
export declare const codeServerEntry: string;
export declare function installedVersion(): string | undefined;
export declare function ensureCodeServer(options?: { log?: (line: string) => void }): Promise<string>;
