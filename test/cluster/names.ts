// Name and hash helpers matching what Kubernetes controllers generate.
import { randomInt } from 'node:crypto';

// k8s.io/apimachinery/pkg/util/rand: no vowels (no words) and no confusable characters.
const alphanums = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5-character suffix of generated names (`curl-7d9c8b6f5-x2x4p`). */
export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphanums[randomInt(alphanums.length)];
  return out;
}

function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** controller.ComputeHash: SafeEncodeString of the FNV-32a of the pod template (pod-template-hash). */
export function templateHash(template: unknown): string {
  const decimal = String(fnv32a(JSON.stringify(template)));
  let out = '';
  for (const ch of decimal) out += alphanums[ch.charCodeAt(0) % alphanums.length];
  return out;
}
