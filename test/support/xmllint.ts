import { spawnSync } from 'node:child_process';

export interface XsdResult {
  valid: boolean;
  /** xmllint's messages, for assertion failures. */
  output: string;
}

function run(args: string[], xml: string) {
  const res = spawnSync('xmllint', [...args, '-'], { input: xml, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (res.error)
    throw new Error(`xmllint not runnable (run \`bash scripts/tools.sh xmllint\`): ${res.error.message}`);
  return res;
}

/** Validates an XML document (as text) against an XSD file with xmllint (Debian libxml2-utils). */
export function validateWithXsd(xml: string, xsdPath: string): XsdResult {
  const res = run(['--noout', '--schema', xsdPath], xml);
  return { valid: res.status === 0, output: `${res.stdout}${res.stderr}` };
}

/** One element without child elements, as xmllint reads it: local names from the root, its text. */
export interface Leaf {
  path: string;
  text: string;
}

export interface XsdValues extends XsdResult {
  /** Every leaf element in document order; undefined when the document is not well-formed. */
  leaves: Leaf[] | undefined;
}

/**
 * Validates like validateWithXsd and also gives the text values libxml2 reads (character references,
 * entities and CDATA resolved, line ends normalised), from its canonical form (`--c14n`). Independent
 * of iwmo/'s parser: canonical XML has no CDATA, no empty-element tags, always double-quoted attributes,
 * and escapes text only as &amp; &lt; &gt; &#xD;, so a few lines read it.
 */
export function valuesWithXsd(xml: string, xsdPath: string): XsdValues {
  const res = run(['--schema', xsdPath, '--c14n'], xml);
  return {
    valid: res.status === 0,
    output: res.stderr,
    leaves: res.stdout ? canonicalLeaves(res.stdout) : undefined,
  };
}

const canonicalToken =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<\/([^\s>]+)>|<([^\s>]+)(?:\s+[^\s=]+="[^"]*")*>|([^<]+)/g;
const canonicalEscapes: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&#xD;': '\r' };

function canonicalLeaves(c14n: string): Leaf[] {
  const leaves: Leaf[] = [];
  const open: { name: string; text: string; parent: boolean }[] = [];
  const local = (qname: string) => qname.slice(qname.indexOf(':') + 1);
  for (const [token, close, start, text] of c14n.matchAll(canonicalToken)) {
    const top = open[open.length - 1];
    if (start !== undefined) {
      if (top) top.parent = true;
      open.push({ name: local(start), text: '', parent: false });
    } else if (close !== undefined) {
      const element = open.pop();
      if (element && !element.parent)
        leaves.push({ path: `/${[...open.map((e) => e.name), element.name].join('/')}`, text: element.text });
    } else if (text !== undefined) {
      if (top) top.text += text.replace(/&amp;|&lt;|&gt;|&#xD;/g, (e) => canonicalEscapes[e] as string);
    } else if (!token.startsWith('<!--') && !token.startsWith('<?')) {
      throw new Error(`unexpected canonical XML: ${token}`);
    }
  }
  return leaves;
}
