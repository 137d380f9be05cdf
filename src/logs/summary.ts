// A readable line for an access-log entry: `curl-7d… (finance) → accounts (accounts)`, with identities,
// bytes and duration. Pure, used by the webview.
import type { FieldValue, ZtunnelLogEntry } from './entry';
import { entryFields } from './fields';
import { isAccessLogEntry } from './classify';

export interface AccessSummary {
  /** `curl-7d… (finance) → accounts (accounts)` */
  readonly route: string;
  readonly srcIdentity?: string;
  readonly dstIdentity?: string;
  readonly direction?: string;
  readonly bytesSent?: number;
  readonly bytesRecv?: number;
  readonly duration?: string;
  readonly error?: string;
}

function str(value: FieldValue | undefined): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

function num(value: FieldValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** `curl-7d9c8b5f4-x2k8q` (a Deployment's pod) → `curl-7d…`; other names are kept. */
export function shortWorkload(name: string): string {
  const deploymentPod = /^(.+)-([a-z0-9]{6,10})-([a-z0-9]{5})$/.exec(name);
  if (deploymentPod) return `${deploymentPod[1]}-${deploymentPod[2]!.slice(0, 2)}…`;
  const daemonOrStatefulPod = /^(.+)-([a-z0-9]{5})$/.exec(name);
  if (daemonOrStatefulPod && name.length > 24) return `${daemonOrStatefulPod[1]}-…`;
  return name;
}

/** `spiffe://cluster.local/ns/finance/sa/curl` → `finance/curl` for tight spaces. */
export function shortIdentity(identity: string): string {
  const match = /^spiffe:\/\/[^/]+\/ns\/([^/]+)\/sa\/(.+)$/.exec(identity);
  return match ? `${match[1]}/${match[2]}` : identity;
}

export function accessSummary(entry: ZtunnelLogEntry): AccessSummary | undefined {
  if (!isAccessLogEntry(entry)) return undefined;
  const f = entryFields(entry);
  const srcWorkload = str(f['src.workload']);
  const srcName = srcWorkload !== undefined ? shortWorkload(srcWorkload) : (str(f['src.addr']) ?? '?');
  const service = str(f['dst.service']);
  const dstWorkload = str(f['dst.workload']);
  const dstName = service !== undefined ? service.split('.')[0]! : dstWorkload !== undefined ? shortWorkload(dstWorkload) : (str(f['dst.addr']) ?? '?');
  const side = (name: string, namespace: string | undefined) => (namespace !== undefined ? `${name} (${namespace})` : name);
  return {
    route: `${side(srcName, str(f['src.namespace']))} → ${side(dstName, str(f['dst.namespace']))}`,
    srcIdentity: str(f['src.identity']),
    dstIdentity: str(f['dst.identity']),
    direction: str(f['direction']),
    bytesSent: num(f['bytes_sent']),
    bytesRecv: num(f['bytes_recv']),
    duration: str(f['duration']),
    error: str(f['error']),
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
