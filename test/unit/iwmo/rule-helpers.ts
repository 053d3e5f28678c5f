import { checkRules, type IwmoMessage } from '../../../iwmo';
import { decodedSample } from './samples';

/* Helpers for the rule tests: break a rule on a cloned sample, list what checkRules finds. */

export const rulesOf = (m: IwmoMessage) => checkRules(m).map((f) => f.rule);
export const found = (m: IwmoMessage) => checkRules(m).map((f) => [f.rule, f.path]);
export const clone = <T>(v: T): T => structuredClone(v);
export const first = <T>(list: T[] | undefined): T => {
  const v = list?.[0];
  if (v === undefined) throw new Error('sample has an entry');
  return v;
};

export function toewijzing() {
  const m = clone(decodedSample('WMO301'));
  const contact = first(m.bericht.Client.Contactgegevens.Contact);
  const adres = contact.Adres;
  if (!adres) throw new Error('sample contact has an address');
  return { m, client: m.bericht.Client, contact, adres };
}

export const CONTACT = '/Bericht/Client/Contactgegevens/Contact[1]';
export const PRODUCT = '/Bericht/Client/ToegewezenProducten/ToegewezenProduct';
