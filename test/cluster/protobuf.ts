// Just enough of Kubernetes' protobuf wire format to accept what kubectl's typed clients send for
// `kubectl create namespace|configmap|serviceaccount` and `kubectl auth can-i` (client-go typed clients prefer protobuf bodies).
// Everything else is answered 415 and should be sent as JSON.

type Field = { no: number; wire: number; value: bigint | Buffer };

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    pos = p1;
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos);
      out.push({ no, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      const end = p2 + Number(len);
      out.push({ no, wire, value: buf.subarray(p2, end) });
      pos = end;
    } else if (wire === 1) {
      out.push({ no, wire, value: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 5) {
      out.push({ no, wire, value: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

const str = (f: Field) => (f.value as Buffer).toString('utf8');

function stringMap(entries: Field[]): Record<string, string> | undefined {
  if (entries.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const kv = fields(entry.value as Buffer);
    out[kv.find((f) => f.no === 1) ? str(kv.find((f) => f.no === 1)!) : ''] = kv.find((f) => f.no === 2) ? str(kv.find((f) => f.no === 2)!) : '';
  }
  return out;
}

function objectMeta(buf: Buffer): Record<string, unknown> {
  const f = fields(buf);
  const one = (no: number) => f.find((x) => x.no === no);
  const meta: Record<string, unknown> = {};
  if (one(1)) meta.name = str(one(1)!);
  if (one(2)) meta.generateName = str(one(2)!);
  if (one(3)) meta.namespace = str(one(3)!);
  const labels = stringMap(f.filter((x) => x.no === 11));
  const annotations = stringMap(f.filter((x) => x.no === 12));
  if (labels) meta.labels = labels;
  if (annotations) meta.annotations = annotations;
  return meta;
}

export const protobufContentType = 'application/vnd.kubernetes.protobuf';

/** Decode a `k8s\0`-prefixed runtime.Unknown holding a Namespace, ConfigMap, ServiceAccount or SelfSubjectAccessReview. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('missing k8s protobuf magic');
  const envelope = fields(body.subarray(4));
  const typeMeta = fields((envelope.find((f) => f.no === 1)?.value as Buffer) ?? Buffer.alloc(0));
  const apiVersion = typeMeta.find((f) => f.no === 1) ? str(typeMeta.find((f) => f.no === 1)!) : '';
  const kind = typeMeta.find((f) => f.no === 2) ? str(typeMeta.find((f) => f.no === 2)!) : '';
  const raw = fields((envelope.find((f) => f.no === 2)?.value as Buffer) ?? Buffer.alloc(0));
  const metadata = objectMeta((raw.find((f) => f.no === 1)?.value as Buffer) ?? Buffer.alloc(0));
  const obj: Record<string, unknown> = { apiVersion, kind, metadata };
  if (kind === 'SelfSubjectAccessReview') {
    // k8s.io/api authorization/v1 generated.proto: spec = 2; spec.resourceAttributes = 1, spec.nonResourceAttributes = 2;
    // ResourceAttributes: namespace 1, verb 2, group 3, version 4, resource 5, subresource 6, name 7.
    const spec = fields((raw.find((f) => f.no === 2)?.value as Buffer) ?? Buffer.alloc(0));
    const attributes = spec.find((f) => f.no === 1);
    const names = ['', 'namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];
    const resourceAttributes: Record<string, string> = {};
    for (const f of attributes ? fields(attributes.value as Buffer) : []) if (f.wire === 2 && names[f.no]) resourceAttributes[names[f.no]] = str(f);
    obj.spec = attributes ? { resourceAttributes } : {};
  } else if (kind === 'ConfigMap') {
    const data = stringMap(raw.filter((f) => f.no === 2));
    if (data) obj.data = data;
  } else if (kind !== 'Namespace' && kind !== 'ServiceAccount') {
    throw new Error(`protobuf bodies for ${kind} are not supported by the test API server; send JSON`);
  }
  return obj;
}
