import { z } from 'zod';
import { agbCodePattern, agbCodeRule, gemeenteCodePattern, gemeenteCodeRule } from './identifiers';

/* zod schemas of the standard's party identifiers, for every boundary that takes one from outside. */

/** An AGB code (the aanbieder): 8 digits. */
export const agbCode = z.string().regex(agbCodePattern, agbCodeRule);
/** A CBS gemeentecode: 4 digits. */
export const gemeenteCode = z.string().regex(gemeenteCodePattern, gemeenteCodeRule);
