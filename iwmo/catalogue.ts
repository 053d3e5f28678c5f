/*
 * The 14 iWmo 3.2 messages: Vektis BerichtCode (COD002), direction, and which heen message a retour
 * answers. The header carries the Vektis code, never "301" (brief §0.4).
 */

export const messageNumbers = [
  '301',
  '302',
  '305',
  '306',
  '307',
  '308',
  '315',
  '316',
  '317',
  '318',
  '319',
  '320',
  '323',
  '325',
] as const;
export type MessageNumber = (typeof messageNumbers)[number];
export type MessageType = `WMO${MessageNumber}`;

export interface MessageInfo {
  nr: MessageNumber;
  type: MessageType;
  berichtCode: string;
  /** Who sends it: the gemeente (CBS code) or the aanbieder (AGB code). */
  afzender: 'gemeente' | 'aanbieder';
  /** For a retour: the heen message it answers. */
  answers?: MessageNumber;
}

const table: [MessageNumber, string, 'gemeente' | 'aanbieder', MessageNumber?][] = [
  ['301', '414', 'gemeente'],
  ['302', '415', 'gemeente', '301'],
  ['305', '418', 'aanbieder'],
  ['306', '419', 'aanbieder', '305'],
  ['307', '420', 'aanbieder'],
  ['308', '421', 'aanbieder', '307'],
  ['315', '444', 'aanbieder'],
  ['316', '445', 'aanbieder', '315'],
  ['317', '480', 'aanbieder'],
  ['318', '481', 'aanbieder', '317'],
  ['319', '482', 'gemeente'],
  ['320', '483', 'gemeente', '319'],
  ['323', '484', 'aanbieder'],
  ['325', '485', 'gemeente', '323'],
];

// Retours copy the heen header, so a retour's Afzender is the sender of the heen message it answers,
// except the 325, which has a header of its own with the gemeente as Afzender.
export const messages: Record<MessageNumber, MessageInfo> = Object.fromEntries(
  table.map(([nr, berichtCode, afzender, answers]) => [
    nr,
    { nr, type: `WMO${nr}`, berichtCode, afzender, ...(answers ? { answers } : {}) },
  ]),
) as Record<MessageNumber, MessageInfo>;

export const basisschemaNamespace = 'http://www.istandaarden.nl/iwmo/3_2/basisschema/schema';

export function messageNamespace(nr: MessageNumber): string {
  return `http://www.istandaarden.nl/iwmo/3_2/wmo${nr}/schema`;
}

/** iWmo release this module speaks: BerichtVersie 3, BerichtSubversie 2 (CS025/CS015). */
export const berichtVersie = '3';
export const berichtSubversie = '2';
