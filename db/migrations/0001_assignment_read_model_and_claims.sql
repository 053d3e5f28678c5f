CREATE TABLE "claim_periods" (
	"workflow_id" text NOT NULL,
	"gemeente" text NOT NULL,
	"aanbieder" text NOT NULL,
	"toewijzing_nummer" integer NOT NULL,
	"calendar" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "next_deadline" date;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "open_deadlines" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "claim_periods_workflow_period_uq" ON "claim_periods" USING btree ("workflow_id","period_start");--> statement-breakpoint
CREATE INDEX "claim_periods_aanbieder_gemeente_idx" ON "claim_periods" USING btree ("aanbieder","gemeente","period_end");--> statement-breakpoint
CREATE INDEX "assignments_next_deadline_idx" ON "assignments" USING btree ("next_deadline");