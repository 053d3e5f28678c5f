import { readFileSync, statSync } from 'node:fs';
import type { AppConfig } from './config';

/*
 * How the service reaches Temporal: plain gRPC to the embedded dev server or a cluster on a private
 * network, TLS (own CA, client certificate for mutual TLS) to a secured cluster, or an API key over TLS to
 * Temporal Cloud. The client and the worker connect with the same options. Every rule is checked at
 * start-up, before anything starts, with an error naming the variable — a certificate without its key
 * otherwise surfaces as an opaque handshake failure minutes later.
 */

export interface TemporalTls {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

export interface TemporalConnectionOptions {
  address: string;
  /** true = TLS with the system's CAs; an object = own CA and/or client certificate. */
  tls?: TemporalTls | true;
  apiKey?: string;
  /** Names, never secrets: what start-up logs about the connection. */
  description: string;
}

type ConnectionConfig = Pick<
  AppConfig,
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CA'
  | 'TEMPORAL_TLS_CERT'
  | 'TEMPORAL_TLS_KEY'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_API_KEY'
  | 'TEMPORAL_ADDRESS'
>;

/** Reads a PEM file named by `variable`; a missing or unreadable file names the variable and the path. */
function pemFile(variable: string, path: string): Buffer {
  let text: Buffer;
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    text = readFileSync(path);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new Error(`${variable}: file ${path} ${why}`);
  }
  if (!text.toString('utf8').includes('-----BEGIN ')) throw new Error(`${variable}: file ${path} is not PEM`);
  return text;
}

/** Checks the TLS and API-key variables together; throws one error listing every rule broken. */
export function checkTemporalConnection(config: ConnectionConfig): string[] {
  const problems: string[] = [];
  const secured =
    config.TEMPORAL_TLS_CA ?? config.TEMPORAL_TLS_CERT ?? config.TEMPORAL_TLS_KEY ?? config.TEMPORAL_API_KEY;
  if (!config.TEMPORAL_ADDRESS && (secured || config.TEMPORAL_TLS))
    problems.push(
      'TEMPORAL_TLS*/TEMPORAL_API_KEY: need TEMPORAL_ADDRESS (the embedded dev server speaks plain gRPC only)',
    );
  if (config.TEMPORAL_TLS_CERT && !config.TEMPORAL_TLS_KEY)
    problems.push('TEMPORAL_TLS_KEY: required with TEMPORAL_TLS_CERT (the client certificate needs its key)');
  if (config.TEMPORAL_TLS_KEY && !config.TEMPORAL_TLS_CERT)
    problems.push('TEMPORAL_TLS_CERT: required with TEMPORAL_TLS_KEY (a key without its certificate)');
  if (config.TEMPORAL_TLS === false && secured)
    problems.push(
      'TEMPORAL_TLS: is false, but TEMPORAL_TLS_CA/CERT/KEY or TEMPORAL_API_KEY need TLS (an API key is never sent in clear)',
    );
  return problems;
}

export function temporalConnectionOptions(
  config: ConnectionConfig,
  address: string,
): TemporalConnectionOptions {
  const problems = checkTemporalConnection(config);
  if (problems.length)
    throw new Error(`invalid Temporal connection:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const custom: TemporalTls = {};
  if (config.TEMPORAL_TLS_CA)
    custom.serverRootCACertificate = pemFile('TEMPORAL_TLS_CA', config.TEMPORAL_TLS_CA);
  if (config.TEMPORAL_TLS_CERT && config.TEMPORAL_TLS_KEY)
    custom.clientCertPair = {
      crt: pemFile('TEMPORAL_TLS_CERT', config.TEMPORAL_TLS_CERT),
      key: pemFile('TEMPORAL_TLS_KEY', config.TEMPORAL_TLS_KEY),
    };
  if (config.TEMPORAL_TLS_SERVER_NAME) custom.serverNameOverride = config.TEMPORAL_TLS_SERVER_NAME;
  const useTls = Object.keys(custom).length > 0 || config.TEMPORAL_TLS === true || !!config.TEMPORAL_API_KEY;
  const tls = Object.keys(custom).length > 0 ? custom : useTls ? true : undefined;
  const how = [
    tls ? (custom.clientCertPair ? 'mutual TLS' : 'TLS') : 'plain gRPC',
    custom.serverRootCACertificate ? 'own CA' : undefined,
    config.TEMPORAL_API_KEY ? 'API key' : undefined,
  ].filter(Boolean);
  return {
    address,
    ...(tls ? { tls } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
    description: `${address} (${how.join(', ')})`,
  };
}

/** The options a Connection/NativeConnection takes (without the description). */
export function connectOptions({ description: _, ...options }: TemporalConnectionOptions) {
  return options;
}
