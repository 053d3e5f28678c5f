import type { Finding } from '../../iwmo';
import {
  type Built,
  buildRetourXml,
  buildStartStopXml,
  type MessageMeta,
  type StartStopMessage,
} from './build';
import { type Inspection, inspectMessage } from './inspect';

/*
 * The XML work messaging needs, behind one interface: `inlineCodec` runs it in the calling thread (small
 * messages, tests), `createCodecPool` (codec-pool.ts) in worker threads, so decoding a 24 MB 323 never
 * stalls the event loop that serves the API and the activities.
 */

export interface MessageCodec {
  inspect(xml: string, today: string): Promise<Inspection>;
  retour(heenXml: string, findings: Finding[], meta: MessageMeta): Promise<Built>;
  startStop(toewijzingXml: string, message: StartStopMessage, meta: MessageMeta): Promise<Built>;
  close(): Promise<void>;
}

/** The operations by name, as the worker thread dispatches them. */
export const codecOperations = {
  inspect: inspectMessage,
  retour: buildRetourXml,
  startStop: buildStartStopXml,
} as const;
export type CodecOperation = keyof typeof codecOperations;

export const inlineCodec: MessageCodec = {
  inspect: async (xml, today) => inspectMessage(xml, today),
  retour: async (xml, findings, meta) => buildRetourXml(xml, findings, meta),
  startStop: async (xml, message, meta) => buildStartStopXml(xml, message, meta),
  close: async () => {},
};
