import { z } from 'zod';
import type { MessageInfo } from './catalogue';
import { isValidDate } from './datatypes';
import { detect } from './detect';
import { fail, type Result } from './problems';
import type { ParseOptions } from './safe-parse';
import { type Plain, stripNamespaces } from './tree';

/** Header of a heen message (§2.2): the part every message shares, read before anything else. */
export const heenHeader = z.object({
  BerichtCode: z.string().regex(/^[0-9]{3}$/),
  BerichtVersie: z.literal('3'),
  BerichtSubversie: z.literal('2'),
  Afzender: z.string().regex(/^([0-9]{4}|[0-9]{8})$/, 'gemeentecode (4 cijfers) of AGB-code (8 cijfers)'),
  Ontvanger: z.string().regex(/^([0-9]{4}|[0-9]{8})$/, 'gemeentecode (4 cijfers) of AGB-code (8 cijfers)'),
  BerichtIdentificatie: z.object({
    Identificatie: z.string().min(1).max(12, 'maximaal 12 tekens (TR056)'),
    Dagtekening: z.string().refine(isValidDate, 'datum JJJJ-MM-DD zonder tijdzone'),
  }),
  XsdVersie: z.object({
    BasisschemaXsdVersie: z.string().regex(/^[0-9]+\.[0-9]+\.[0-9]+$/),
    BerichtXsdVersie: z.string().regex(/^[0-9]+\.[0-9]+\.[0-9]+$/),
  }),
});
export type HeenHeader = z.infer<typeof heenHeader>;

export interface DecodedHeader {
  info: MessageInfo;
  header: HeenHeader;
}

const codeOf = { gemeente: /^[0-9]{4}$/, aanbieder: /^[0-9]{8}$/ };

/** Detects the message and reads its header; a field that breaks the schema is named by its path. */
export function decodeHeader(xml: string, options: ParseOptions = {}): Result<DecodedHeader> {
  const detected = detect(xml, options);
  if (!detected.ok) return detected;
  const { info } = detected.value;
  const bericht = stripNamespaces(detected.value.bericht) as { Header?: Plain };
  const parsed = heenHeader.safeParse(bericht.Header);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['/Bericht/Header', ...(issue?.path ?? [])].join('/');
    return fail(
      'schema',
      'XSD',
      path,
      `Ongeldige waarde: ${issue?.message ?? 'onbekend'}`,
      'Fill this header field as the XSD requires.',
    );
  }
  const afzenderSide = info.answers ? undefined : info.afzender;
  if (afzenderSide && !codeOf[afzenderSide].test(parsed.data.Afzender)) {
    const expected = afzenderSide === 'gemeente' ? 'gemeentecode (4 cijfers)' : 'AGB-code (8 cijfers)';
    return fail(
      'schema',
      'XSD',
      '/Bericht/Header/Afzender',
      `Afzender moet een ${expected} zijn`,
      `A ${info.type} is sent by the ${afzenderSide}.`,
    );
  }
  return { ok: true, value: { info, header: parsed.data } };
}
