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

/**
 * How often the API server draws a new suffix for a `generateName` that collides before it answers 409
 * (apiserver's RetryGenerateName, on by default since Kubernetes 1.32: 8 attempts in all).
 */
export const GENERATE_NAME_ATTEMPTS = 8;

/**
 * A free `prefix` + suffix name, retried on collision like the API server; undefined when every attempt
 * collided (the caller answers 409 AlreadyExists, as the real server does then). `suffix` is for tests.
 */
export function generateFreeName(prefix: string, isTaken: (name: string) => boolean, suffix: () => string = randomSuffix): string | undefined {
  for (let attempt = 0; attempt < GENERATE_NAME_ATTEMPTS; attempt++) {
    const name = `${prefix}${suffix()}`;
    if (!isTaken(name)) return name;
  }
  return undefined;
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
