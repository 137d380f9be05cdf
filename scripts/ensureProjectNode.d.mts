export function ensureProjectNode(options?: { find?: () => string; rebuild?: () => void }): 'present' | 'rebuilt';
