// A throwaway PKI per run: one CA, a serving certificate for 127.0.0.1, and client certificates whose
// CN is the user and O the groups, exactly how a real API server reads x509 client identities.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface KeyAndCert {
  keyPem: string;
  certPem: string;
}

function newKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
    // PKCS#1 ("RSA PRIVATE KEY") is what kubeconfigs usually carry; Go and Node read both.
    keyPem: forge.pki.privateKeyToPem(forge.pki.privateKeyFromPem(privateKey)),
  };
}

function serial(): string {
  // Positive, 16 bytes: Go rejects negative serial numbers.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  bytes[0] |= 0x10;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate): void {
  cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 60 * 60 * 1000);
}

export class CertificateAuthority {
  private readonly key: forge.pki.rsa.PrivateKey;
  private readonly cert: forge.pki.Certificate;
  readonly certPem: string;
  // One leaf key pair shared by every certificate this CA issues: RSA key generation dominates start-up.
  private readonly leafKeys = newKeyPair();

  constructor(commonName = 'test-cluster-ca') {
    const keys = newKeyPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serial();
    validity(cert);
    const subject = [{ name: 'commonName', value: commonName }];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    this.key = keys.privateKey;
    this.cert = cert;
    this.certPem = forge.pki.certificateToPem(cert);
  }

  private issue(subject: forge.pki.CertificateField[], extensions: object[]): KeyAndCert {
    const cert = forge.pki.createCertificate();
    cert.publicKey = this.leafKeys.publicKey;
    cert.serialNumber = serial();
    validity(cert);
    cert.setSubject(subject);
    cert.setIssuer(this.cert.subject.attributes);
    cert.setExtensions([{ name: 'basicConstraints', cA: false }, { name: 'authorityKeyIdentifier', keyIdentifier: this.cert.generateSubjectKeyIdentifier().getBytes() }, ...extensions]);
    cert.sign(this.key, forge.md.sha256.create());
    return { keyPem: this.leafKeys.keyPem, certPem: forge.pki.certificateToPem(cert) };
  }

  serverCertificate(): KeyAndCert {
    return this.issue([{ name: 'commonName', value: 'kube-apiserver' }], [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }, { type: 2, value: 'kubernetes.default.svc' }] },
    ]);
  }

  clientCertificate(user: string, groups: readonly string[]): KeyAndCert {
    return this.issue([{ name: 'commonName', value: user }, ...groups.map((g) => ({ name: 'organizationName', value: g }))], [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ]);
  }
}
