CREATE TABLE "escalation_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"escalation_id" uuid NOT NULL,
	"party" text NOT NULL,
	"code" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"last_attempt_at" timestamp with time zone,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "escalations" ADD COLUMN "toewijzing_nummer" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "escalations" ADD COLUMN "late_working_days" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "escalation_deliveries" ADD CONSTRAINT "escalation_deliveries_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "escalation_deliveries_recipient_uq" ON "escalation_deliveries" USING btree ("escalation_id","party");--> statement-breakpoint
CREATE INDEX "escalations_aanbieder_idx" ON "escalations" USING btree ("aanbieder");--> statement-breakpoint
CREATE INDEX "escalations_created_idx" ON "escalations" USING btree ("created_at","id");