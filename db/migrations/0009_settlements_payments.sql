CREATE TABLE "payments" (
	"event_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"gemeente" text NOT NULL,
	"aanbieder" text NOT NULL,
	"betaaldatum" date NOT NULL,
	"bedrag" bigint NOT NULL,
	"kenmerk" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_workflow_id_event_id_pk" PRIMARY KEY("workflow_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "settlement_lines" (
	"workflow_id" text NOT NULL,
	"referentie_nummer" text NOT NULL,
	"debet_credit" text NOT NULL,
	"bedrag" bigint NOT NULL,
	CONSTRAINT "settlement_lines_workflow_id_referentie_nummer_pk" PRIMARY KEY("workflow_id","referentie_nummer")
);
--> statement-breakpoint
CREATE TABLE "settlements" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"gemeente" text NOT NULL,
	"aanbieder" text NOT NULL,
	"toewijzing_nummer" integer NOT NULL,
	"settled_on" date NOT NULL,
	"totaal" bigint NOT NULL,
	"payment_due" date,
	"notice_status" text DEFAULT 'pending' NOT NULL,
	"notice_attempts" integer DEFAULT 0 NOT NULL,
	"notice_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "settlement_lines" ADD CONSTRAINT "settlement_lines_workflow_id_settlements_workflow_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."settlements"("workflow_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "settlements_gemeente_idx" ON "settlements" USING btree ("gemeente","toewijzing_nummer");