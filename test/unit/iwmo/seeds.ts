import type { MessageNumber } from '../../../iwmo';
import { marker } from './mutations';
import { sample } from './samples';

/*
 * Documents written elsewhere that decode once got wrong (issue 7, items 1–3): the seed corpus of the
 * differential fuzz in properties.test.ts, and the examples in text-values.test.ts. Each is checked
 * as it is and mutated; xmllint decides what is right. Names carry the leak marker, so a decode error
 * or finding that quotes one is caught.
 */

export interface Seed {
  name: string;
  nr: MessageNumber;
  xml: string;
}

const s301 = sample('301');
const s305 = sample('305');

/** Every iWmo namespace moved to another release; 2.x namespaces end in a release suffix ('/2_0'). */
const release = (xml: string, r: string, suffix = '') =>
  xml.replaceAll(/iwmo\/3_2\/(wmo[0-9]{3}|basisschema)\/schema/g, `iwmo/${r}/$1/schema${suffix}`);

export const issueSeeds: Seed[] = [
  {
    name: 'a surname with a decimal character reference (Jos&#233;)',
    nr: '305',
    xml: s305.replace('>Wit<', `>${marker}Jos&#233;<`),
  },
  {
    name: 'a surname with a hexadecimal and an astral character reference',
    nr: '305',
    xml: s305.replace('>Wit<', `>${marker}&#xE9;&#x1F600;<`),
  },
  {
    name: 'an XSD-valid Afzender written &#49;916',
    nr: '301',
    xml: s301.replace('<wmo301:Afzender>0384<', '<wmo301:Afzender>&#49;916<'),
  },
  {
    name: 'an escaped reference (&amp;#233;) is the text &#233;, decoded once',
    nr: '305',
    xml: s305.replace('>Wit<', `>${marker}&amp;#233;<`),
  },
  {
    name: 'a reference inside a CDATA section is text',
    nr: '305',
    xml: s305.replace('>Wit<', `>${marker}<![CDATA[&#233;&amp;]]><`),
  },
  {
    name: 'a carriage return as a reference (&#13;) in a comment',
    nr: '301',
    xml: s301.replace('>Client commentaar<', `>${marker} regel&#13;&#10;twee<`),
  },
  {
    name: 'a processing instruction inside Bericht',
    nr: '305',
    xml: s305.replace('<wmo305:Client>', '<?foo bar?>\n\t<wmo305:Client>'),
  },
  {
    name: 'a processing instruction inside a value',
    nr: '305',
    xml: s305.replace('>Wit<', `>${marker}W<?foo?>it<`),
  },
  {
    name: 'Toewijzingstijd 24:00:00 (valid xs:time)',
    nr: '301',
    xml: s301.replace(/(<wmo301:Toewijzingstijd>)[^<]*/, '$124:00:00'),
  },
  {
    name: 'a comment containing the text <!DOCTYPE, in the prolog and in Bericht',
    nr: '305',
    xml: s305
      .replace('?>', '?>\n<!-- <!DOCTYPE x [<!ENTITY e "x">]> & < -->')
      .replace('<wmo305:Header>', '<!-- <!DOCTYPE y> --><wmo305:Header>'),
  },
  {
    name: 'an iWmo 2.0 message (namespace with release suffix)',
    nr: '301',
    xml: release(s301, '2_0', '/2_0'),
  },
  {
    name: 'an iWmo 2.1 message (namespace with release suffix)',
    nr: '301',
    xml: release(s301, '2_1', '/2_1'),
  },
  { name: 'an iWmo 3.1 message', nr: '305', xml: release(s305, '3_1') },
];
