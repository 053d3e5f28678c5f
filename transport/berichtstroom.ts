import type { Berichtstroom } from './metadata';

/*
 * The berichtstroom VECOZO routes a message on. The exact berichttype/subtype/actie strings for Wmo are in
 * VECOZO's non-public berichtuitwisseling documentation (domain brief §6.2: not found), so these are
 * placeholders the simulator understands; a real connection passes its own mapping to the REST client.
 */

export type BerichtstroomOf = (messageType: string) => Berichtstroom;

export const placeholderBerichtstroom: BerichtstroomOf = (messageType) => ({
  berichttype: 'iWmo',
  berichtsubtype: messageType,
  berichtversie: 3,
  berichtsubversie: 2,
  actie: 'Indienen',
});

/** The message type a berichtstroom of `placeholderBerichtstroom` names ('WMO305'), if any. */
export function messageTypeOf(stroom: Berichtstroom): string | undefined {
  return stroom.berichttype === 'iWmo' ? stroom.berichtsubtype : undefined;
}
