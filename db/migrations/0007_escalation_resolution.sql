DROP INDEX "escalation_deliveries_recipient_uq";--> statement-breakpoint
ALTER TABLE "escalation_deliveries" ADD COLUMN "kind" text DEFAULT 'escalation' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "escalation_deliveries_recipient_kind_uq" ON "escalation_deliveries" USING btree ("escalation_id","party","kind");