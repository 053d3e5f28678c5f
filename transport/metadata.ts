import { z } from 'zod';

/*
 * The envelope of a VECOZO-style message (VSP-Koppeling REST push/pull v1, berichtstatus v3; domain brief
 * §6.2) as zod schemas; the TypeScript types are inferred from them. The payload (iWmo XML) travels
 * beside this metadata and is never inside it, so metadata may be logged: it holds codes and ids only.
 *
 * Shared by the REST client and the simulator: both sides of the wire read and write the same shapes.
 */

/** A party: rol (e.g. 'aanbieder', 'gemeente') and its code (AGB code, CBS gemeentecode). */
export const relatie = z
  .object({
    rol: z.string().min(1).max(100),
    code: z.string().min(1).max(100).optional(),
  })
  .strict();
export type Relatie = z.infer<typeof relatie>;

/** Which exchange a message belongs to; VECOZO routes on it. */
export const berichtstroom = z
  .object({
    berichttype: z.string().min(1).max(60),
    berichtsubtype: z.string().min(1).max(60).optional(),
    berichtversie: z.number().int().min(0).max(999),
    berichtsubversie: z.number().int().min(0).max(999),
    actie: z.string().min(1).max(60),
  })
  .strict();
export type Berichtstroom = z.infer<typeof berichtstroom>;

export const routeringgegevens = z
  .object({
    afzender: relatie,
    geadresseerden: z.array(relatie).min(1).max(100),
    berichtstroom,
  })
  .strict();
export type Routeringgegevens = z.infer<typeof routeringgegevens>;

/**
 * traceerId identifies one message (unique per sender, BRS114); conversatieId links a heen message and
 * its retours (equal to the heen's traceerId, CC05); alsAntwoordOp is the traceerId a retour answers.
 * What others send us may use any uuid version; what we send is v4 (CC04/CC05).
 */
export const referentiegegevens = z
  .object({
    conversatieId: z.uuid(),
    traceerId: z.uuid(),
    alsAntwoordOp: z.uuid().optional(),
    referentieId: z.string().min(1).max(150).optional(),
  })
  .strict();
export type Referentiegegevens = z.infer<typeof referentiegegevens>;

const uuidV4 = z.uuid({ version: 'v4', error: 'must be a UUID v4 (CC05)' });

export const outgoingReferentiegegevens = referentiegegevens.extend({
  conversatieId: uuidV4,
  traceerId: uuidV4,
  alsAntwoordOp: uuidV4.optional(),
});

export const sleutelWaardePaar = z
  .object({
    sleutel: z.string().min(1).max(100),
    waarde: z.array(z.string().min(1).max(250)).min(1).max(100),
  })
  .strict();

/** The `berichtMetadata` part of a push (POST /berichten, multipart beside `payload`). */
export const pushMetadata = z
  .object({
    routeringgegevens,
    referentiegegevens: outgoingReferentiegegevens,
    verwerkingscontext: z.array(sleutelWaardePaar).min(1).max(100).optional(),
  })
  .strict();
export type PushMetadata = z.infer<typeof pushMetadata>;

export const checksum = z
  .object({
    algoritme: z.string().min(1).max(10),
    waarde: z.string().min(1).max(250),
  })
  .strict();

/** Where and how big the payload of a pulled message is; the checksum lets the receiver verify it. */
export const payloadDownload = z
  .object({
    url: z.url(),
    grootte: z.number().int().min(1),
    checksum,
  })
  .strict();

export const basisgegevens = z
  .object({
    ontvangenOp: z.iso.datetime({ offset: true }),
    payload: payloadDownload,
  })
  .strict();

/** One entry of GET /berichten (pull): the oldest messages ready for us. */
export const pulledMetadata = z
  .object({
    basisgegevens,
    routeringgegevens,
    referentiegegevens,
    verwerkingscontext: z.array(sleutelWaardePaar).min(1).max(100).optional(),
  })
  .strict();
export type PulledMetadata = z.infer<typeof pulledMetadata>;

/** VECOZO's message statuses (berichtstatus v3). Bezorgd = picked up (confirmed) by the addressee. */
export const berichtstatussen = [
  'Ontvangen',
  'DeelsOntvangen',
  'DeelberichtAanleveringAfgekeurd',
  'WordtVerwerkt',
  'AfgekeurdDoorDienst',
  'VerwerkingVoltooid',
  'WordtAangeboden',
  'Bezorgd',
  'AanbiedenMislukt',
  'BezorgingAfgebroken',
] as const;
export const berichtstatus = z.enum(berichtstatussen);
export type Berichtstatus = z.infer<typeof berichtstatus>;

/** A rejection reason, e.g. { code: 'BRS114', omschrijving: 'TraceerID is niet uniek' }. */
export const melding = z
  .object({
    code: z.string().min(1),
    omschrijving: z.string().min(1),
    toelichting: z.string().min(1).optional(),
  })
  .strict();
export type Melding = z.infer<typeof melding>;

/** One entry of GET /berichtstatussen. */
export const berichtstatusGegevens = z
  .object({
    referentiegegevens,
    berichtstroom,
    berichtstatus,
    berichtstatusGewijzigdOp: z.iso.datetime({ offset: true }),
    meldingen: z.array(melding).min(1).max(100).optional(),
    berichtOntvangenOp: z.iso.datetime({ offset: true }),
  })
  .strict();
export type BerichtstatusGegevens = z.infer<typeof berichtstatusGegevens>;

/** Problem details of a 400/422 answer; VECOZO puts its meldingen (BRS codes) in them. */
export const problemDetails = z
  .object({
    type: z.string().optional(),
    title: z.string().optional(),
    status: z.number().int().optional(),
    detail: z.string().optional(),
    meldingen: z.array(melding).optional(),
    errors: z.record(z.string(), z.array(z.string())).optional(),
  })
  .loose();
export type ProblemDetails = z.infer<typeof problemDetails>;

/** "path: rule; path: rule" — for error messages that name the rule a value broke. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
