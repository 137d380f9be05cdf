// The shape of one ztunnel log line once parsed, whatever format it was written in. Pure: no vscode, no DOM.

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * What a line tells a user about encryption:
 * `mtls` an access-log entry for a mutual-TLS (identity-bearing or HBONE) connection;
 * `plaintext` an access-log entry without any of that; `tls-error` a handshake or certificate
 * verification failure; `denied` an access-log entry for a connection ztunnel's L4 authorization refused
 * (policyRejection.ts); `tls` any other line about TLS, certificates or identities; `other` the rest of
 * ztunnel's records; `unparsed` a line that is not a record this parser understood (no ztunnel shape, an
 * impossible timestamp, an access entry cut short or with unpaired quotes): kept as text, never a verdict.
 */
export type LogClass = 'mtls' | 'plaintext' | 'tls-error' | 'denied' | 'tls' | 'other' | 'unparsed';

/** Which syntax the line was written in; `raw` is a line kept as text because it did not parse. */
export type LogFormat = 'plain' | 'json' | 'legacy' | 'raw';

/** Numbers stay numbers (JSON format, and unquoted digits in the plain format), so `bytes_sent` compares alike. */
export type FieldValue = string | number | boolean | null;

export interface ZtunnelLogEntry {
  /** The timestamp as written (ztunnel's own, or the kubelet's when the line has none). */
  time?: string;
  level?: LogLevel;
  /** The tracing target with its spans (`access`, `xds::client:xds{id=8}`, `ztunnel::state`). */
  scope?: string;
  /** The message column; for a raw line, the whole line. May be empty (the DNS access log has none). */
  message: string;
  /**
   * The `k=v ...` section as written (plain and legacy formats). It is parsed into `fields` on first use
   * (`entryFields`): a viewer reads the fields of few of the lines it ingests, and building them eagerly
   * is most of the cost of parsing a line.
   */
  fieldsText?: string;
  /** Parsed fields; set at parse time for JSON lines, else filled in by `entryFields`. */
  fields?: Record<string, FieldValue>;
  class: LogClass;
  format: LogFormat;
  /**
   * What another tool wrote before the record, as written (`[pod/ztunnel-x/istio-proxy]`, stern's
   * `ztunnel-x istio-proxy`, a Loki export's `2024-05-18 00:55:41.082`).
   */
  source?: string;
  /** Pod, container and the pod's namespace, when the prefix names them. */
  pod?: string;
  container?: string;
  podNamespace?: string;
}

export const logLevels: readonly LogLevel[] = ['error', 'warn', 'info', 'debug', 'trace'];
export const logClasses: readonly LogClass[] = ['mtls', 'plaintext', 'tls-error', 'denied', 'tls', 'other', 'unparsed'];

export function fieldText(value: FieldValue | undefined): string {
  return value === undefined || value === null ? '' : String(value);
}
