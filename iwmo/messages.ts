import type { z } from 'zod';
import type { MessageNumber, MessageType } from './catalogue';
import type { Layout } from './layout';
import { type Wmo301, wmo301, wmo301Layout } from './model/wmo301';
import { type Wmo302, wmo302, wmo302Layout } from './model/wmo302';
import { type Wmo305, wmo305, wmo305Layout } from './model/wmo305';
import { type Wmo306, wmo306, wmo306Layout } from './model/wmo306';
import { type Wmo307, wmo307, wmo307Layout } from './model/wmo307';
import { type Wmo308, wmo308, wmo308Layout } from './model/wmo308';
import { type Wmo315, wmo315, wmo315Layout } from './model/wmo315';
import { type Wmo316, wmo316, wmo316Layout } from './model/wmo316';
import { type Wmo317, wmo317, wmo317Layout } from './model/wmo317';
import { type Wmo318, wmo318, wmo318Layout } from './model/wmo318';
import { type Wmo319, wmo319, wmo319Layout } from './model/wmo319';
import { type Wmo320, wmo320, wmo320Layout } from './model/wmo320';
import { type Wmo323, wmo323, wmo323Layout } from './model/wmo323';
import { type Wmo325, wmo325, wmo325Layout } from './model/wmo325';

/*
 * The 14 message models (generated from the XSDs) by message type, and the typed message union the
 * codecs take and return: { type: 'WMO301', bericht: Wmo301 } and so on.
 */

export type {
  Wmo301,
  Wmo302,
  Wmo305,
  Wmo306,
  Wmo307,
  Wmo308,
  Wmo315,
  Wmo316,
  Wmo317,
  Wmo318,
  Wmo319,
  Wmo320,
  Wmo323,
  Wmo325,
};

export interface Berichten {
  WMO301: Wmo301;
  WMO302: Wmo302;
  WMO305: Wmo305;
  WMO306: Wmo306;
  WMO307: Wmo307;
  WMO308: Wmo308;
  WMO315: Wmo315;
  WMO316: Wmo316;
  WMO317: Wmo317;
  WMO318: Wmo318;
  WMO319: Wmo319;
  WMO320: Wmo320;
  WMO323: Wmo323;
  WMO325: Wmo325;
}

/** A typed iWmo message: discriminated by `type`. */
export type IwmoMessage = { [T in MessageType]: { type: T; bericht: Berichten[T] } }[MessageType];
export type MessageOf<T extends MessageType> = Extract<IwmoMessage, { type: T }>;

export interface MessageModel {
  schema: z.ZodType;
  layout: Layout;
}

export const models: Record<MessageNumber, MessageModel> = {
  '301': { schema: wmo301, layout: wmo301Layout },
  '302': { schema: wmo302, layout: wmo302Layout },
  '305': { schema: wmo305, layout: wmo305Layout },
  '306': { schema: wmo306, layout: wmo306Layout },
  '307': { schema: wmo307, layout: wmo307Layout },
  '308': { schema: wmo308, layout: wmo308Layout },
  '315': { schema: wmo315, layout: wmo315Layout },
  '316': { schema: wmo316, layout: wmo316Layout },
  '317': { schema: wmo317, layout: wmo317Layout },
  '318': { schema: wmo318, layout: wmo318Layout },
  '319': { schema: wmo319, layout: wmo319Layout },
  '320': { schema: wmo320, layout: wmo320Layout },
  '323': { schema: wmo323, layout: wmo323Layout },
  '325': { schema: wmo325, layout: wmo325Layout },
};

/** zod schemas per message type, for callers that validate a message built in code. */
export const berichtSchemas = {
  WMO301: wmo301,
  WMO302: wmo302,
  WMO305: wmo305,
  WMO306: wmo306,
  WMO307: wmo307,
  WMO308: wmo308,
  WMO315: wmo315,
  WMO316: wmo316,
  WMO317: wmo317,
  WMO318: wmo318,
  WMO319: wmo319,
  WMO320: wmo320,
  WMO323: wmo323,
  WMO325: wmo325,
} as const;
