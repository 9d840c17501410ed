/**
 * A throwaway certificate authority for the MESH simulator's mutual TLS, with node:crypto only:
 * P-256 keys, X.509 v3 certificates written in DER by hand (the handful of ASN.1 types a
 * certificate needs), signed ECDSA-SHA256. Real MESH issues client certificates from the NHS
 * PTL/live CAs; here the simulator is its own CA, so a test can issue a good, an expired or a
 * wrongly named client certificate.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import { isIP } from "node:net";

export interface IssuedCertificate {
  /** PEM certificate. */
  readonly cert: string;
  /** PEM PKCS#8 private key. */
  readonly key: string;
}

export interface TestCa extends IssuedCertificate {
  /** Issues a certificate signed by this CA. */
  issue(options: IssueOptions): IssuedCertificate;
}

export interface IssueOptions {
  readonly commonName: string;
  /** DNS names and IP addresses for subjectAltName (server certificates). */
  readonly altNames?: readonly string[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

const DAY = 86_400_000;

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);
const explicit = (n: number, ...c: Buffer[]) => tlv(0xa0 + n, ...c);
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer) => tlv(0x03, Buffer.from([0]), b);

function integer(b: Buffer): Buffer {
  const trimmed = b[0] !== undefined && b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
  return tlv(0x02, trimmed);
}

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split(".").map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  // UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5).
  return d.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`));
}

const name = (cn: string) => seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(cn, "utf8")))));
const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), octets(value));
}

function altName(entry: string): Buffer {
  const family = isIP(entry);
  if (family === 4) return tlv(0x87, Buffer.from(entry.split(".").map(Number)));
  return tlv(0x82, Buffer.from(entry, "ascii"));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function certificate(
  subject: string,
  publicKey: KeyObject,
  issuer: { name: string; key: KeyObject },
  options: { ca: boolean; altNames: readonly string[]; notBefore: Date; notAfter: Date },
): string {
  const extensions = [
    extension("2.5.29.19", true, seq(...(options.ca ? [tlv(0x01, Buffer.from([0xff]))] : []))),
  ];
  if (options.ca) extensions.push(extension("2.5.29.15", true, tlv(0x03, Buffer.from([1, 0x06]))));
  if (options.altNames.length > 0)
    extensions.push(extension("2.5.29.17", false, seq(...options.altNames.map(altName))));
  const serial = randomBytes(12);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_SHA256,
    name(issuer.name),
    seq(time(options.notBefore), time(options.notAfter)),
    name(subject),
    publicKey.export({ type: "spki", format: "der" }),
    explicit(3, seq(...extensions)),
  );
  const signature = sign("sha256", tbs, issuer.key);
  return pem("CERTIFICATE", seq(tbs, ECDSA_SHA256, bits(signature)));
}

function keyPair() {
  return generateKeyPairSync("ec", { namedCurve: "P-256" });
}

/** A new CA, valid from a day ago for ten years. */
export function createTestCa(commonName = "NCRS Connect MESH simulator test CA"): TestCa {
  const { publicKey, privateKey } = keyPair();
  const now = Date.now();
  const cert = certificate(
    commonName,
    publicKey,
    { name: commonName, key: privateKey },
    {
      ca: true,
      altNames: [],
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 3650 * DAY),
    },
  );
  const key = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return {
    cert,
    key,
    issue(options) {
      const pair = keyPair();
      return {
        cert: certificate(
          options.commonName,
          pair.publicKey,
          { name: commonName, key: createPrivateKey(key) },
          {
            ca: false,
            altNames: options.altNames ?? [],
            notBefore: options.notBefore ?? new Date(now - DAY),
            notAfter: options.notAfter ?? new Date(Date.now() + 365 * DAY),
          },
        ),
        key: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      };
    },
  };
}
