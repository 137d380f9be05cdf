// IP addresses and CIDR blocks (IPv4 and IPv6), for NetworkPolicy ipBlocks and AuthorizationPolicy
// ipBlocks alike. A block is a network address and a prefix length; a bare address is a full-length block.

export interface Cidr {
  readonly bits: bigint;
  readonly length: number;
  readonly v6: boolean;
}

export function parseIp(text: string): { bits: bigint; v6: boolean } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { bits: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), v6: false };
  }
  if (!text.includes(':') || !/^[0-9a-fA-F:]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((g) => g.length === 0 || g.length > 4)) return undefined;
  return { bits: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), v6: true };
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address; undefined when it is neither. */
export function parseCidr(text: string): Cidr | undefined {
  const [address, prefix, extra] = text.split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const max = ip.v6 ? 128 : 32;
  const length = prefix === undefined ? max : /^\d+$/.test(prefix) ? Number(prefix) : NaN;
  if (!(length >= 0 && length <= max)) return undefined;
  return { bits: ip.bits, length, v6: ip.v6 };
}

/** The address is inside the block (same family, same leading `length` bits). */
export function inCidr(cidr: Cidr, ip: string | undefined): boolean {
  const parsed = ip ? parseIp(ip) : undefined;
  if (!parsed || parsed.v6 !== cidr.v6) return false;
  const shift = BigInt((cidr.v6 ? 128 : 32) - cidr.length);
  return parsed.bits >> shift === cidr.bits >> shift;
}

export function cidrContains(cidr: string, ip: string): boolean {
  const block = parseCidr(cidr);
  return block !== undefined && inCidr(block, ip);
}
