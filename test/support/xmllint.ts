import { spawnSync } from 'node:child_process';

export interface XsdResult {
  valid: boolean;
  /** xmllint's messages, for assertion failures. */
  output: string;
}

/** Validates an XML document (as text) against an XSD file with xmllint (Debian libxml2-utils). */
export function validateWithXsd(xml: string, xsdPath: string): XsdResult {
  const res = spawnSync('xmllint', ['--noout', '--schema', xsdPath, '-'], { input: xml, encoding: 'utf8' });
  if (res.error)
    throw new Error(`xmllint not runnable (run \`bash scripts/tools.sh xmllint\`): ${res.error.message}`);
  return { valid: res.status === 0, output: `${res.stdout}${res.stderr}` };
}
