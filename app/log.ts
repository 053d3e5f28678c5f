import type { LogMetadata, Logger as SdkLogger, LogLevel as SdkLogLevel } from '@temporalio/common';
import { destination, type Logger as PinoLogger, pino, stdTimeFunctions } from 'pino';
import { isValidBsn } from '../iwmo/identifiers';

/*
 * The service's one logger. LOG_FORMAT=json: one pino JSON object per line (what a log shipper reads),
 * with the fields operators search by — requestId, workflowId, messageId, role. LOG_FORMAT=text: the
 * `[component] message` lines a developer reads at `npm start`. Every caller goes through this file, so
 * swapping pino for another library changes nothing else.
 *
 * Privacy (docs/security.md): nothing here should ever receive a BSN or a name, but a log line is the
 * last place one could leak, so field names that would carry one are censored and a nine-digit number
 * that passes the BSN elfproef is masked in the message text.
 */

export type LogFields = Record<string, unknown>;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text';

export interface Log {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** The same log with `fields` on every line (component, role…). */
  child(fields: LogFields): Log;
  /** A `(line) => void` sink for code that takes one (api access log, simulator, poller). */
  line(level?: LogLevel): (line: string, fields?: LogFields) => void;
}

export interface LogOptions {
  format: LogFormat;
  level: LogLevel;
  /** Fields on every line; `component` also names the text prefix. */
  base?: LogFields;
  /** JSON lines go here; default stdout (sync, so a line written right before exit is not lost). */
  destination?: NodeJS.WritableStream;
}

/** Field names that would carry personal data: never written, whatever a caller passes. */
const censoredKeys = ['bsn', 'naam', 'name', 'achternaam', 'voornamen', 'geboortedatum', 'birthDate'];
const redactPaths = censoredKeys.flatMap((k) => [k, `*.${k}`]);

/** Masks nine-digit runs that pass the elfproef: a BSN written into a message text by mistake. */
export function maskBsns(text: string): string {
  return text.replace(/(?<!\d)\d{9}(?!\d)/g, (digits) => (isValidBsn(digits) ? '[bsn]' : digits));
}

export function createLog(options: LogOptions): Log {
  return options.format === 'json' ? jsonLog(options) : textLog(options);
}

function jsonLog(options: LogOptions): Log {
  const root = pino(
    {
      level: options.level,
      base: { service: 'iwmo-flow', ...options.base },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths, censor: '[redacted]' },
    },
    options.destination ?? destination({ dest: 1, sync: true }),
  );
  const wrap = (logger: PinoLogger): Log => {
    const write = (level: LogLevel) => (msg: string, fields?: LogFields) =>
      fields ? logger[level](fields, maskBsns(msg)) : logger[level](maskBsns(msg));
    const log: Log = {
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      child: (fields) => wrap(logger.child(fields)),
      line: (level = 'info') => write(level),
    };
    return log;
  };
  return wrap(root);
}

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** `[component] message key=value`: stdout for debug/info, stderr for warnings and errors. */
function textLog(options: LogOptions, fields: LogFields = options.base ?? {}): Log {
  const write = (level: LogLevel) => (msg: string, extra?: LogFields) => {
    if (levelRank[level] < levelRank[options.level]) return;
    const { component, ...rest } = { ...fields, ...extra };
    const pairs = Object.entries(rest)
      .filter(([k, v]) => v !== undefined && k !== 'role' && !censoredKeys.includes(k))
      .map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    const prefix = component ? `[${String(component)}] ` : '';
    const text = maskBsns(`${prefix}${msg}${pairs.join('')}`);
    if (levelRank[level] >= levelRank.warn) console.error(text);
    else console.log(text);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => textLog(options, { ...fields, ...more }),
    line:
      (level = 'info') =>
      // Text lines that already carry their own `[component]` prefix (the access log) are kept as they are.
      (line) =>
        // The line is the text form already: its fields are for JSON only.
        /^\[[a-z-]+\] /.test(line) ? write(level)(line, { component: undefined }) : write(level)(line),
  };
}

const sdkLevels: Record<SdkLogLevel, LogLevel> = {
  TRACE: 'debug',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal SDK's logger on top of ours: worker, workflow (`log` in workflow code, with workflowId and
 * runId) and activity lines (workflowId, activityType) land in the same stream with the same fields.
 */
export function sdkLogger(log: Log): SdkLogger {
  const sdk = log.child({ component: 'temporal' });
  const write = (level: SdkLogLevel, message: string, meta?: LogMetadata) =>
    sdk[sdkLevels[level]](message, meta);
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}
