// The Istio release the test cluster claims, and what follows from it: image tags, ztunnel's version banner
// and BuildInfo, and the layout of ztunnel's `/config_dump` (istio/ztunnel src/admin.rs, src/state*.rs at
// that release). `--istio-version 1.24|1.26|1.28|1.30`; the labs run 1.28.3.
export interface IstioRelease {
  /** `1.28`. */
  readonly minor: string;
  /** `1.28.3`: image tags, BuildInfo, `istio_build{tag=…}`. */
  readonly version: string;
  readonly gitRevision: string;
  readonly rustVersion: string;
  /** 1.26+: the roots apart in `rootCerts`; before, the root is the last of `certChain`. */
  readonly rootCertsApart: boolean;
  /** 1.26+: in-pod connections carry `protocol`; workloads carry `capacity`. */
  readonly connectionProtocol: boolean;
  /** 1.27+: BuildInfo has `cryptoProvider` and no `gitTag`. */
  readonly cryptoProvider?: string;
  /** 1.30+: services carry `canonical`. */
  readonly canonicalServices: boolean;
}

export const ISTIO_RELEASES: Readonly<Record<string, IstioRelease>> = {
  '1.24': { minor: '1.24', version: '1.24.6', gitRevision: '0e1c8b5a8a9b2f7d6c3e4a5b6c7d8e9f0a1b2c3d', rustVersion: '1.82.0', rootCertsApart: false, connectionProtocol: false, canonicalServices: false },
  '1.26': { minor: '1.26', version: '1.26.8', gitRevision: '6f2d9c1b3a4e5f60718293a4b5c6d7e8f9a0b1c2', rustVersion: '1.85.0', rootCertsApart: true, connectionProtocol: true, canonicalServices: false },
  '1.28': { minor: '1.28', version: '1.28.3', gitRevision: '4c1f845d839603b7e4e5e6ea4a4d4b7d2ac7e9cf', rustVersion: '1.89.0', rootCertsApart: true, connectionProtocol: true, cryptoProvider: 'tls-aws-lc', canonicalServices: false },
  '1.30': { minor: '1.30', version: '1.30.3', gitRevision: '9a8b7c6d5e4f30211f2e3d4c5b6a79880a1b2c3d', rustVersion: '1.91.0', rootCertsApart: true, connectionProtocol: true, cryptoProvider: 'tls-aws-lc', canonicalServices: true },
};

export const DEFAULT_ISTIO_RELEASE = ISTIO_RELEASES['1.28'];

/** `1.24` or `1.24.6` → the release; anything else is refused with the choices. */
export function istioRelease(version: string): IstioRelease {
  const release = ISTIO_RELEASES[version.split('.').slice(0, 2).join('.')];
  if (!release || (version.split('.').length > 2 && release.version !== version)) {
    throw new Error(`unsupported --istio-version ${version}: one of ${Object.values(ISTIO_RELEASES).map((r) => `${r.minor} (${r.version})`).join(', ')}`);
  }
  return release;
}

/** ztunnel's startup banner line, as that release prints it. */
export function ztunnelBanner(r: IstioRelease): string {
  const tail = r.cryptoProvider ? `IstioVersion:"${r.version}", CryptoProvider:"${r.cryptoProvider}"` : `GitTag:"${r.version}", IstioVersion:"${r.version}"`;
  return `version: version.BuildInfo{Version:"${r.version}", GitRevision:"${r.gitRevision}", RustVersion:"${r.rustVersion}", BuildProfile:"release", BuildStatus:"Clean", ${tail}}`;
}

/** The `version` object of ztunnel's config dump (camelCase since 1.22). */
export function ztunnelBuildInfo(r: IstioRelease): Record<string, string> {
  const base = { version: r.version, gitRevision: r.gitRevision, rustVersion: r.rustVersion, buildProfile: 'release', buildStatus: 'Clean' };
  return r.cryptoProvider ? { ...base, istioVersion: r.version, cryptoProvider: r.cryptoProvider } : { ...base, gitTag: r.version, istioVersion: r.version };
}
