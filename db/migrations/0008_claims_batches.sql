CREATE TABLE "claim_batch_answers" (
	"batch_workflow_id" text NOT NULL,
	"inbox_message_id" uuid NOT NULL,
	"ontvangen" date NOT NULL,
	"kind" text NOT NULL,
	"mismatches" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claim_batch_answers_batch_workflow_id_inbox_message_id_pk" PRIMARY KEY("batch_workflow_id","inbox_message_id")
);
--> statement-breakpoint
CREATE TABLE "claim_batch_lines" (
	"batch_workflow_id" text NOT NULL,
	"referentie_nummer" text NOT NULL,
	"assignment_workflow_id" text NOT NULL,
	"toewijzing_nummer" integer NOT NULL,
	"product_categorie" text NOT NULL,
	"product_code" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"volume" integer NOT NULL,
	"eenheid" text NOT NULL,
	"tarief" integer,
	"bedrag" bigint NOT NULL,
	"debet_credit" text NOT NULL,
	"vorig_referentie_nummer" text,
	"status" text DEFAULT 'ingediend' NOT NULL,
	"retour_codes" jsonb,
	"outcome" text,
	CONSTRAINT "claim_batch_lines_batch_workflow_id_referentie_nummer_pk" PRIMARY KEY("batch_workflow_id","referentie_nummer")
);
--> statement-breakpoint
CREATE TABLE "claim_batches" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"aanbieder" text NOT NULL,
	"gemeente" text NOT NULL,
	"maand" date NOT NULL,
	"declaratie_nummer" text NOT NULL,
	"status" text NOT NULL,
	"outbox_id" uuid NOT NULL,
	"identificatie" text NOT NULL,
	"dagtekening" date NOT NULL,
	"totaal" bigint NOT NULL,
	"line_count" integer NOT NULL,
	"antwoord_message_id" uuid,
	"antwoord_ontvangen" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "claim_batch_lines" ADD CONSTRAINT "claim_batch_lines_batch_workflow_id_claim_batches_workflow_id_fk" FOREIGN KEY ("batch_workflow_id") REFERENCES "public"."claim_batches"("workflow_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "claim_batch_lines_assignment_idx" ON "claim_batch_lines" USING btree ("assignment_workflow_id");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_batches_aanbieder_identificatie_uq" ON "claim_batches" USING btree ("aanbieder","identificatie");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_batches_aanbieder_nummer_uq" ON "claim_batches" USING btree ("aanbieder","declaratie_nummer");--> statement-breakpoint
CREATE INDEX "claim_batches_gemeente_maand_idx" ON "claim_batches" USING btree ("gemeente","maand");